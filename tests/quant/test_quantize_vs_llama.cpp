// Quantization against llama.cpp (label "model": needs the reference build):
//  - every target type: the tensors Hearth writes are byte-identical to llama-quantize's
//    (run with --pure --output-tensor-type, the same tensor-type plan), the metadata equal
//    but for general.file_type, and the file loads and runs in llama.cpp and in Hearth;
//  - hearth eval-quant's figures agree with llama-perplexity --kl-divergence on the same
//    files and text, and KL(Q8_0) < KL(Q4_0).
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "gguf/gguf_file.h"
#include "quant/model_quantizer.h"
#include "quant/quant_eval.h"
#include "quant/quantize_row.h"
#include "quant_test_util.h"
#include "runtime/engine.h"

using namespace hearth;
using gguf::GgmlType;
using namespace quant_test;

namespace {

// Stated tolerances of eval-quant against llama-perplexity. llama-perplexity keeps the base
// model's log-probabilities as 16-bit codes (and drops terms below log p = -16) and batches
// 16 windows together; Hearth keeps doubles and evaluates a window at a time.
constexpr double kPerplexityRelTol = 0.005;  // 0.5 %
constexpr double kMeanKldRelTol = 0.03;      // 3 % (+ 2e-4 absolute: the 16-bit codes)
constexpr double kMaxKldRelTol = 0.05;       // 5 % (+ 0.01 absolute)
constexpr double kTop1AbsTol = 0.01;         // 1 percentage point
constexpr int kCtx = 128;
constexpr int kChunks = 16;

QString llamaBin(const char* name) {
    return QStringLiteral(HEARTH_LLAMA_DIR "/") + QLatin1String(name);
}

QString corpusPath() {
    return QStringLiteral(HEARTH_SOURCE_DIR "/resources/eval/alice-chapter1.txt");
}

// Runs a llama.cpp tool with the log-drain shim; returns stdout+stderr, "" on failure.
QString runLlama(const char* tool, const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(HEARTH_LLAMA_LOG_DRAIN));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(llamaBin(tool), args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit ||
        p.exitCode() != 0) {
        qWarning("%s failed: %s", tool, p.readAll().right(2000).constData());
        return {};
    }
    return QString::fromUtf8(p.readAll());
}

double figure(const QString& log, const QString& pattern) {
    const auto m = QRegularExpression(pattern).match(log);
    return m.hasMatch() ? m.captured(1).toDouble() : std::nan("");
}

QString llamaTypeName(GgmlType t) {
    return QString::fromStdString(gguf::ggml_type_upper_name(t));
}

}  // namespace

class TestQuantizeVsLlama : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        for (const char* tool : {"llama-quantize", "llama-perplexity"})
            QVERIFY2(QFileInfo::exists(llamaBin(tool)),
                     "llama.cpp reference build missing: run packaging/build-llama-reference.sh");
        QVERIFY(QFileInfo::exists(QStringLiteral(HEARTH_LLAMA_LOG_DRAIN)));
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath(QStringLiteral("random.gguf"));
        QVERIFY(makeRandomModel(model_));
    }

    void sameFileAsLlamaQuantize_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                           GgmlType::Q5_1, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K})
            QTest::newRow(gguf::ggml_type_upper_name(t).c_str()) << int(t);
    }
    void sameFileAsLlamaQuantize() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const QString ours = dir_.filePath(QStringLiteral("ours-%1.gguf").arg(type));
        const QString theirs = dir_.filePath(QStringLiteral("llama-%1.gguf").arg(type));
        quant::QuantizeOptions options;
        options.type = t;
        quant::quantize_model(model_.toStdString(), ours.toStdString(), options);
        const QString outputType =
            t == GgmlType::Q8_0 ? QStringLiteral("q8_0") : QStringLiteral("q6_k");
        QVERIFY(!runLlama("llama-quantize",
                          {QStringLiteral("--pure"), QStringLiteral("--output-tensor-type"),
                           outputType, model_, theirs, llamaTypeName(t), QStringLiteral("2")})
                     .isEmpty());

        const auto a = gguf::GgufFile::open(ours.toStdString());
        const auto b = gguf::GgufFile::open(theirs.toStdString());
        QCOMPARE(a->file_size(), b->file_size());
        QCOMPARE(a->metadata().size(), b->metadata().size());
        // Same keys (llama-quantize moves general.quantization_version to the end).
        for (const auto& [key, value] : a->metadata()) {
            const gguf::Value* other = b->find(key);
            QVERIFY2(other && other->type == value.type, key.c_str());
        }
        QCOMPARE(a->tensors().size(), b->tensors().size());
        // llama-quantize may order the tensors differently; match them by name.
        for (const auto& x : a->tensors()) {
            const gguf::TensorInfo* y = b->find_tensor(x.name);
            QVERIFY2(y, x.name.c_str());
            QVERIFY2(x.type == y->type, x.name.c_str());
            QCOMPARE(x.n_bytes, y->n_bytes);
            QVERIFY2(std::memcmp(x.data, y->data, x.n_bytes) == 0, x.name.c_str());
        }

        // Runs in llama.cpp: one window scored.
        const QString log =
            runLlama("llama-perplexity",
                     {QStringLiteral("-m"), ours, QStringLiteral("-f"), corpusPath(),
                      QStringLiteral("-c"), QStringLiteral("64"), QStringLiteral("--chunks"),
                      QStringLiteral("1"), QStringLiteral("-t"), QStringLiteral("2")});
        QVERIFY2(std::isfinite(figure(log, QStringLiteral("Final estimate: PPL = ([0-9.]+)"))),
                 qPrintable(log.right(1500)));
        // Runs in Hearth.
        LoadOptions load;
        load.n_threads = 2;
        auto model = Model::load(ours.toStdString(), load);
        SessionOptions session_options;
        session_options.n_ctx = 64;
        Session session(model, session_options);
        const auto logits = session.eval_logits({1, 403, 407, 261});
        for (float v : logits)
            QVERIFY(std::isfinite(v));
    }

    void evalQuantAgreesWithLlamaPerplexity() {
        const QString base = vocabSource();  // stories260K: trained weights, all F32
        const QString baseLog = runLlama(
            "llama-perplexity",
            {QStringLiteral("-m"), base, QStringLiteral("-f"), corpusPath(), QStringLiteral("-c"),
             QString::number(kCtx), QStringLiteral("--chunks"), QString::number(kChunks),
             QStringLiteral("-t"), QStringLiteral("2"), QStringLiteral("--kl-divergence-base"),
             dir_.filePath(QStringLiteral("base.kld"))});
        const double llamaBasePpl =
            figure(baseLog, QStringLiteral("Final estimate: PPL = ([0-9.]+)"));
        QVERIFY2(std::isfinite(llamaBasePpl), qPrintable(baseLog.right(1500)));

        QFile text(corpusPath());
        QVERIFY(text.open(QIODevice::ReadOnly));
        const std::string corpus = text.readAll().toStdString();
        double kld[2] = {0, 0};
        int i = 0;
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0}) {
            const QString cand =
                dir_.filePath(QStringLiteral("stories-%1.gguf").arg(llamaTypeName(t)));
            quant::QuantizeOptions options;
            options.type = t;
            quant::quantize_model(base.toStdString(), cand.toStdString(), options);
            const QString log =
                runLlama("llama-perplexity",
                         {QStringLiteral("-m"), cand, QStringLiteral("--kl-divergence"),
                          QStringLiteral("--kl-divergence-base"),
                          dir_.filePath(QStringLiteral("base.kld")), QStringLiteral("-c"),
                          QString::number(kCtx), QStringLiteral("-t"), QStringLiteral("2")});
            const double ppl = figure(log, QStringLiteral("Mean PPL\\(Q\\)\\s*:\\s*([0-9.]+)"));
            const double meanKld = figure(log, QStringLiteral("Mean    KLD:\\s*([0-9.]+)"));
            const double maxKld = figure(log, QStringLiteral("Maximum KLD:\\s*([0-9.]+)"));
            const double top1 = figure(log, QStringLiteral("Same top p:\\s*([0-9.]+)")) / 100.0;
            QVERIFY2(std::isfinite(ppl) && std::isfinite(meanKld) && std::isfinite(top1),
                     qPrintable(log.right(2500)));

            quant::CorpusEvalOptions eval;
            eval.n_ctx = kCtx;
            eval.max_chunks = kChunks;
            eval.n_threads = 2;
            eval.decode_tokens = 8;
            const auto r =
                quant::compare_on_corpus(base.toStdString(), cand.toStdString(), corpus, eval);
            qInfo(
                "%s  hearth: ppl %.4f / %.4f, KLD mean %.6f max %.4f, top-1 %.4f   "
                "llama: ppl %.4f / %.4f, KLD mean %.6f max %.4f, top-1 %.4f",
                gguf::ggml_type_upper_name(t).c_str(), r.base.perplexity, r.candidate.perplexity,
                r.mean_kld, r.max_kld, r.top1_agreement, llamaBasePpl, ppl, meanKld, maxKld, top1);
            QCOMPARE(r.n_chunks, kChunks);
            QVERIFY(std::abs(r.base.perplexity / llamaBasePpl - 1) < kPerplexityRelTol);
            QVERIFY(std::abs(r.candidate.perplexity / ppl - 1) < kPerplexityRelTol);
            QVERIFY(std::abs(r.mean_kld - meanKld) < kMeanKldRelTol * meanKld + 2e-4);
            QVERIFY(std::abs(r.max_kld - maxKld) < kMaxKldRelTol * maxKld + 0.01);
            QVERIFY(std::abs(r.top1_agreement - top1) < kTop1AbsTol);
            kld[i++] = r.mean_kld;
        }
        QVERIFY2(kld[0] < kld[1], "KL divergence of Q8_0 is not below that of Q4_0");
        QVERIFY(kld[0] > 0);
    }

private:
    QTemporaryDir dir_;
    QString model_;
};

QTEST_GUILESS_MAIN(TestQuantizeVsLlama)
#include "test_quantize_vs_llama.moc"
