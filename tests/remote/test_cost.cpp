// Reply cost: per-token prices, per instance-hour amortised over the reply's measured time,
// and the display format.
#include <QtTest>

#include "core/remote/cost.h"

using namespace hearth;
using hearth::remote::Pricing;

class CostTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void perToken() {
        GenerationStats stats;
        stats.prompt_tokens = 1500;
        stats.completion_tokens = 500;
        Pricing p;
        p.per1kInput = 0.5;
        p.per1kOutput = 1.5;
        QCOMPARE(remote::replyCost(p, stats), 1.5 * 0.5 + 0.5 * 1.5);  // 0.75 + 0.75
    }

    void perInstanceHourAmortisedOverMeasuredTime() {
        GenerationStats stats;
        stats.completion_tokens = 200;
        stats.time_to_first_token_ms = 500;
        stats.generation_ms = 9500;  // 10 s in all on an inf2.xlarge
        Pricing p;
        p.perHour = 0.76;
        p.per1kOutput = 99;  // ignored: the instance is billed by time
        QVERIFY(qFuzzyCompare(remote::replyCost(p, stats), 0.76 * 10 / 3600));
        // Only a rate known: tokens / (tokens/s) gives the time.
        GenerationStats rateOnly;
        rateOnly.completion_tokens = 360;
        rateOnly.tokens_per_s = 36;
        QVERIFY(qFuzzyCompare(remote::replyCost(p, rateOnly), 0.76 * 10 / 3600));
    }

    void freeIsZero() {
        GenerationStats stats;
        stats.prompt_tokens = 10;
        QVERIFY(Pricing{}.isFree());
        QCOMPARE(remote::replyCost(Pricing{}, stats), 0.0);
    }

    void format() {
        QCOMPARE(remote::formatCost(0), QStringLiteral("$0"));
        QCOMPARE(remote::formatCost(0.00002), QStringLiteral("<$0.0001"));
        QCOMPARE(remote::formatCost(0.0021111), QStringLiteral("$0.0021"));
        QCOMPARE(remote::formatCost(12.345), QStringLiteral("$12.35"));
    }
};

QTEST_GUILESS_MAIN(CostTest)
#include "test_cost.moc"
