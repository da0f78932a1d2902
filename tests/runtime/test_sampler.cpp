// Sampler: each filter on hand-made distributions, penalties, logit bias, greedy ties,
// seeded determinism and parameter validation.
#include <QtTest>
#include <cmath>

#include "core/error.h"
#include "runtime/sampler.h"

using hearth::Sampler;
using hearth::SamplingParams;

namespace {

std::vector<Sampler::Candidate> candidates(const std::vector<float>& logits) {
    std::vector<Sampler::Candidate> c;
    for (size_t i = 0; i < logits.size(); ++i)
        c.push_back({int32_t(i), logits[i], 0.0f});
    return c;
}

std::vector<int32_t> ids(const std::vector<Sampler::Candidate>& c) {
    std::vector<int32_t> out;
    for (const auto& x : c)
        out.push_back(x.id);
    return out;
}

// Logits whose softmax is exactly `probs`.
std::vector<float> from_probs(const std::vector<float>& probs) {
    std::vector<float> logits;
    for (float p : probs)
        logits.push_back(std::log(p));
    return logits;
}

SamplingParams greedy() {
    SamplingParams p;
    p.temperature = 0.0f;
    return p;
}

}  // namespace

class SamplerTest : public QObject {
    Q_OBJECT

private slots:
    void greedyTakesArgmaxAndLowestIdOnTies() {
        Sampler s(greedy(), 5);
        const std::vector<float> logits{0.1f, 2.0f, -1.0f, 2.0f, 1.9f};
        QCOMPARE(s.sample(logits.data(), {}), 1);
    }

    void topKKeepsTheKLargest() {
        auto c = candidates({0.5f, 3.0f, 1.0f, 2.0f, 3.0f});
        Sampler::top_k(c, 3);
        QCOMPARE(ids(c), (std::vector<int32_t>{1, 4, 3}));
        auto all = candidates({1.0f, 2.0f});
        Sampler::top_k(all, 0);  // disabled
        QCOMPARE(all.size(), size_t(2));
    }

    void topPKeepsTheSmallestSetReachingP() {
        auto c = candidates(from_probs({0.2f, 0.5f, 0.3f}));
        Sampler::top_p(c, 0.7f);
        QCOMPARE(ids(c), (std::vector<int32_t>{1, 2}));
        auto one = candidates(from_probs({0.2f, 0.5f, 0.3f}));
        Sampler::top_p(one, 0.1f);
        QCOMPARE(ids(one), (std::vector<int32_t>{1}));
    }

    void minPDropsTokensBelowAFractionOfTheBest() {
        auto c = candidates(from_probs({0.5f, 0.3f, 0.15f, 0.05f}));
        Sampler::min_p(c, 0.25f);  // threshold 0.125
        QCOMPARE(ids(c), (std::vector<int32_t>{0, 1, 2}));
    }

    void typicalPKeepsTheMostTypicalTokens() {
        // Entropy of {0.7, 0.1 x 3} is ~0.94 nats; the 0.1 tokens (surprise 2.3) are less
        // typical than the 0.7 one (surprise 0.36), so a small mass keeps only token 0.
        auto c = candidates(from_probs({0.7f, 0.1f, 0.1f, 0.1f}));
        Sampler::typical_p(c, 0.5f);
        QCOMPARE(ids(c), (std::vector<int32_t>{0}));
        // A flat distribution: every token is equally typical, so the mass decides.
        auto flat = candidates(from_probs({0.25f, 0.25f, 0.25f, 0.25f}));
        Sampler::typical_p(flat, 0.6f);
        QCOMPARE(flat.size(), size_t(3));
    }

    void repetitionPenaltyPushesSeenTokensDown() {
        SamplingParams p = greedy();
        p.repeat_penalty = 2.0f;
        Sampler s(p, 3);
        // Token 0 (logit 2) was seen: 2 / 2 = 1 < 1.5, so token 1 wins.
        const std::vector<float> logits{2.0f, 1.5f, -1.0f};
        QCOMPARE(s.sample(logits.data(), {0}), 1);
        QCOMPARE(s.sample(logits.data(), {}), 0);
        // A negative logit is multiplied, not divided.
        std::vector<float> neg{-1.0f, -1.5f};
        Sampler s2(p, 2);
        s2.apply_penalties(neg, {0});
        QCOMPARE(neg[0], -2.0f);
    }

    void frequencyAndPresencePenalties() {
        SamplingParams p = greedy();
        p.frequency_penalty = 0.5f;
        p.presence_penalty = 0.25f;
        Sampler s(p, 3);
        std::vector<float> logits{1.0f, 1.0f, 1.0f};
        s.apply_penalties(logits, {0, 0, 1});
        QCOMPARE(logits[0], 1.0f - 2 * 0.5f - 0.25f);
        QCOMPARE(logits[1], 1.0f - 0.5f - 0.25f);
        QCOMPARE(logits[2], 1.0f);
    }

    void penaltiesLookOnlyAtTheLastN() {
        SamplingParams p = greedy();
        p.presence_penalty = 10.0f;
        p.repeat_last_n = 1;
        Sampler s(p, 2);
        const std::vector<float> logits{1.0f, 0.5f};
        QCOMPARE(s.sample(logits.data(), {0, 1}), 0);  // only token 1 is penalised
    }

    void logitBiasForcesAndBans() {
        SamplingParams p = greedy();
        p.logit_bias = {{2, 100.0f}};
        Sampler s(p, 3);
        const std::vector<float> logits{5.0f, 4.0f, 0.0f};
        QCOMPARE(s.sample(logits.data(), {}), 2);

        SamplingParams ban;
        ban.seed = 7;
        ban.logit_bias = {{0, -INFINITY}};
        Sampler s2(ban, 2);
        const std::vector<float> peaked{50.0f, 0.0f};
        for (int i = 0; i < 20; ++i)
            QCOMPARE(s2.sample(peaked.data(), {}), 1);
    }

    void sameSeedSameTokens() {
        SamplingParams p;
        p.temperature = 1.5f;
        p.top_k = 0;
        p.top_p = 1.0f;
        p.min_p = 0.0f;
        p.seed = 1234;
        std::vector<float> logits(50);
        for (size_t i = 0; i < logits.size(); ++i)
            logits[i] = float(i % 7) * 0.1f;
        auto draw = [&](uint64_t seed) {
            SamplingParams q = p;
            q.seed = seed;
            Sampler s(q, 50);
            std::vector<int32_t> out;
            for (int i = 0; i < 40; ++i)
                out.push_back(s.sample(logits.data(), {}));
            return out;
        };
        QCOMPARE(draw(1234), draw(1234));
        QVERIFY(draw(1234) != draw(99));
    }

    void samplingRespectsTheFilters() {
        SamplingParams p;
        p.temperature = 1.0f;
        p.top_k = 2;
        p.seed = 5;
        Sampler s(p, 4);
        const std::vector<float> logits{1.0f, 3.0f, 0.5f, 2.9f};
        for (int i = 0; i < 50; ++i) {
            const int32_t t = s.sample(logits.data(), {});
            QVERIFY(t == 1 || t == 3);
        }
    }

    void validationNamesTheField_data() {
        QTest::addColumn<int>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("temperature") << 0 << "temperature must be >= 0";
        QTest::newRow("top_p") << 1 << "top_p must be in (0, 1]";
        QTest::newRow("min_p") << 2 << "min_p must be in [0, 1]";
        QTest::newRow("typical_p") << 3 << "typical_p must be in (0, 1]";
        QTest::newRow("repeat_penalty") << 4 << "repeat_penalty must be > 0";
        QTest::newRow("repeat_last_n") << 5 << "repeat_last_n must be >= 0";
        QTest::newRow("logit_bias") << 6 << "logit_bias token id must be >= 0";
    }

    void validationNamesTheField() {
        QFETCH(int, field);
        QFETCH(QString, message);
        SamplingParams p;
        switch (field) {
            case 0:
                p.temperature = -0.5f;
                break;
            case 1:
                p.top_p = 0.0f;
                break;
            case 2:
                p.min_p = 1.5f;
                break;
            case 3:
                p.typical_p = 2.0f;
                break;
            case 4:
                p.repeat_penalty = 0.0f;
                break;
            case 5:
                p.repeat_last_n = -2;
                break;
            case 6:
                p.logit_bias = {{-1, 1.0f}};
                break;
        }
        try {
            p.validate();
            QFAIL("validate() accepted a bad value");
        } catch (const hearth::Error& e) {
            QCOMPARE(e.code(), hearth::ErrorCode::invalid_argument);
            QCOMPARE(QString::fromStdString(e.what()), message);
        }
        SamplingParams ok;
        ok.validate();  // defaults are valid
    }

    void biasOutsideTheVocabularyIsRejected() {
        SamplingParams p;
        p.logit_bias = {{10, 1.0f}};
        QVERIFY_THROWS_EXCEPTION(hearth::Error, Sampler(p, 10));
    }
};

QTEST_GUILESS_MAIN(SamplerTest)
#include "test_sampler.moc"
