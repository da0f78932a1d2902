// Hearth's forward pass against llama.cpp on real models: for five prompts per model the
// logits of the last prompt position agree within 1e-3 relative RMS and 64 greedy tokens
// are identical. The prompt ids come from llama.cpp's tokenizer so that this test checks
// the model code alone (the tokenizer has its own tests).
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "gguf/gguf_file.h"
#include "model/model_weights.h"
#include "runtime/evaluator.h"

namespace {

struct Reference {
    std::vector<int32_t> prompt;
    std::vector<int32_t> generated;
    std::vector<float> logits;
};

std::vector<int32_t> parse_ids(const QString& line, const QString& label) {
    std::vector<int32_t> ids;
    if (!line.startsWith(label)) return ids;
    for (const QString& part : line.mid(label.size()).split(' ', Qt::SkipEmptyParts)) {
        ids.push_back(part.toInt());
    }
    return ids;
}

QString find_model(const QString& directory, const QString& pattern) {
    const QDir dir(directory);
    const QStringList files = dir.entryList({pattern}, QDir::Files);
    return files.isEmpty() ? QString() : dir.filePath(files.first());
}

int argmax(const std::vector<float>& logits) {
    int best = 0;
    for (int i = 1; i < int(logits.size()); ++i) {
        if (logits[size_t(i)] > logits[size_t(best)]) best = i;
    }
    return best;
}

double relative_rms(const std::vector<float>& ours, const std::vector<float>& ref) {
    double diff = 0, norm = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        diff += double(ours[i] - ref[i]) * double(ours[i] - ref[i]);
        norm += double(ref[i]) * double(ref[i]);
    }
    return std::sqrt(diff / norm);
}

}  // namespace

class ModelVsLlama : public QObject {
    Q_OBJECT

private:
    static constexpr int kGenerate = 64;

    // Empty `error` on success.
    Reference run_reference(const QString& model, const QString& prompt, int n_vocab,
                            QString& error) {
        Reference ref;
        const QString exe = QStringLiteral(HEARTH_LLAMA_REFERENCE);
        if (exe.isEmpty() || !QFileInfo::exists(exe)) {
            error = "llama_reference was not built: the llama.cpp reference build in " +
                    QStringLiteral(HEARTH_LLAMA_DIR) + " is missing";
            return ref;
        }
        QTemporaryDir tmp;
        const QString logits_path = tmp.filePath("logits.bin");
        QProcess process;
        process.start(exe, {model, prompt, QString::number(kGenerate), logits_path});
        if (!process.waitForFinished(300000) || process.exitCode() != 0) {
            error = "llama_reference failed: " + QString::fromUtf8(process.readAllStandardError());
            return ref;
        }
        const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).split('\n');
        for (const QString& line : lines) {
            if (line.startsWith("prompt:")) ref.prompt = parse_ids(line, "prompt:");
            if (line.startsWith("generated:")) ref.generated = parse_ids(line, "generated:");
        }
        QFile file(logits_path);
        if (!file.open(QIODevice::ReadOnly)) {
            error = "no logits from llama_reference";
            return ref;
        }
        const QByteArray bytes = file.readAll();
        ref.logits.resize(size_t(bytes.size()) / sizeof(float));
        std::memcpy(ref.logits.data(), bytes.constData(), size_t(bytes.size()));
        if (int(ref.logits.size()) != n_vocab) error = "reference logits have the wrong size";
        return ref;
    }

    void compare_model(const QString& dir, const QString& pattern, const QStringList& prompts) {
        const QString path = find_model(dir, pattern);
        if (path.isEmpty()) QFAIL(qPrintable("no model matching " + pattern + " in " + dir));
        auto file = hearth::gguf::GgufFile::open(path.toStdString());
        auto weights = hearth::ModelWeights::load(*file);
        const int n_vocab = weights->hparams().n_vocab;
        for (const QString& prompt : prompts) {
            QString error;
            const Reference ref = run_reference(path, prompt, n_vocab, error);
            if (!error.isEmpty()) QFAIL(qPrintable(error));
            QVERIFY(!ref.prompt.empty());
            QVERIFY(!ref.generated.empty());

            // Same settings as the reference: n_ctx 512, the prompt in one batch.
            hearth::Evaluator eval(*weights, 512, hearth::KvCacheType::f16, 512, 2);
            eval.evaluate(ref.prompt);
            const double rms = relative_rms(eval.logits(), ref.logits);
            qInfo("%s | %zu prompt tokens | logits relative RMS %.3g",
                  qPrintable(QFileInfo(path).fileName()), ref.prompt.size(), rms);
            QVERIFY2(rms < 1e-3,
                     qPrintable(QString("relative RMS %1 for prompt '%2'").arg(rms).arg(prompt)));

            std::vector<int32_t> ours;
            int next = argmax(eval.logits());
            for (size_t i = 0; i < ref.generated.size(); ++i) {
                ours.push_back(next);
                if (i + 1 == ref.generated.size()) break;
                eval.append(next);
                next = argmax(eval.logits());
            }
            QCOMPARE(ours, ref.generated);
        }
    }

private slots:
    void stories260k() {
        compare_model(
            HEARTH_TEST_DATA_DIR "/models", "stories260K.gguf",
            {"Once upon a time", "The little dog", "Lily and Tom went to the park",
             "One day, a big bear found a", QString("Tim had a red ball. ").repeated(12)});
    }
};

QTEST_GUILESS_MAIN(ModelVsLlama)
#include "test_model_vs_llama.moc"
