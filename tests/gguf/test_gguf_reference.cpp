// gguf_to_json against the Python `gguf` package (GGUFReader, via gguf_reference_dump.py) on
// the repository's tiny models and vocabularies and on the real models in
// HEARTH_MODELS_DIR (SmolLM2 and Gemma 3 must be there). Compares header fields, metadata
// keys in order, their types, every value (arrays element by element; FLOAT32 as float),
// and each tensor's name, type, shape, offset and size. Also times opening a 128k-token
// vocabulary.
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <algorithm>
#include <cstring>

#include "gguf/gguf_json.h"

using hearth::gguf::GgufFile;

namespace {

QStringList realModels() {
    QStringList files;
    QDirIterator it(QStringLiteral(HEARTH_MODELS_DIR), {QStringLiteral("*.gguf")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

// First difference between two JSON values, or empty. `float32` compares numbers after
// rounding both to float (the Python side prints float32 values as doubles).
QString difference(const QJsonValue& ours, const QJsonValue& theirs, bool float32,
                   const QString& path) {
    if (ours.type() != theirs.type()) {
        return QStringLiteral("%1: JSON type %2 vs %3")
            .arg(path)
            .arg(ours.type())
            .arg(theirs.type());
    }
    switch (ours.type()) {
        case QJsonValue::Double: {
            const double a = ours.toDouble();
            const double b = theirs.toDouble();
            const bool same = float32 ? static_cast<float>(a) == static_cast<float>(b) : a == b;
            return same ? QString()
                        : QStringLiteral("%1: %2 vs %3")
                              .arg(path)
                              .arg(a, 0, 'g', 17)
                              .arg(b, 0, 'g', 17);
        }
        case QJsonValue::Array: {
            const QJsonArray a = ours.toArray();
            const QJsonArray b = theirs.toArray();
            if (a.size() != b.size()) {
                return QStringLiteral("%1: %2 items vs %3").arg(path).arg(a.size()).arg(b.size());
            }
            for (qsizetype i = 0; i < a.size(); ++i) {
                const QString d =
                    difference(a[i], b[i], float32, path + QStringLiteral("[%1]").arg(i));
                if (!d.isEmpty()) return d;
            }
            return {};
        }
        default:
            return ours == theirs ? QString() : QStringLiteral("%1: values differ").arg(path);
    }
}

}  // namespace

class TestGgufReference : public QObject {
    Q_OBJECT

private slots:
    void realModelsArePresent() {
        const QStringList models = realModels();
        const auto has = [&](const char* name) {
            return std::any_of(models.begin(), models.end(), [&](const QString& m) {
                return QFileInfo(m).fileName().contains(QLatin1String(name), Qt::CaseInsensitive);
            });
        };
        if (!has("smollm2") || !has("gemma3")) {
            QFAIL(qPrintable(QStringLiteral("%1 must hold the SmolLM2 and Gemma 3 .gguf files "
                                            "(found: %2); run the setup script to fetch them")
                                 .arg(QStringLiteral(HEARTH_MODELS_DIR), models.join(", "))));
        }
    }

    void matchesPythonGguf_data() {
        QTest::addColumn<QString>("file");
        const QString data = QStringLiteral(HEARTH_TEST_DATA_DIR);
        QStringList files =
            QDir(data + "/models").entryList({QStringLiteral("*.gguf")}, QDir::Files);
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << data + "/models/" + f;
        files = QDir(data + "/tokenizer").entryList({QStringLiteral("*.gguf")}, QDir::Files);
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << data + "/tokenizer/" + f;
        for (const QString& f : realModels())
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
    }
    void matchesPythonGguf() {
        QFETCH(QString, file);
        QProcess python;
        python.start(
            QStringLiteral(HEARTH_PYTHON),
            {QStringLiteral(HEARTH_SOURCE_DIR "/tests/gguf/gguf_reference_dump.py"), file});
        QVERIFY2(python.waitForFinished(180000), "the Python reference dump did not finish");
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
                 python.readAllStandardError().constData());
        QJsonParseError error;
        const QJsonObject theirs =
            QJsonDocument::fromJson(python.readAllStandardOutput(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));

        const auto gguf = GgufFile::open(file.toStdString());
        const std::string json = hearth::gguf::gguf_to_json(*gguf);
        const QJsonObject ours =
            QJsonDocument::fromJson(QByteArray::fromStdString(json), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));

        for (const char* key : {"version", "alignment", "data_offset", "file_size"}) {
            QVERIFY2(theirs.contains(QLatin1String(key)), key);
            QCOMPARE(ours.value(QLatin1String(key)).toInteger(),
                     theirs.value(QLatin1String(key)).toInteger());
        }

        // Metadata: same keys in the same (file) order, same declared types, same values.
        const QJsonObject ourTypes = ours.value("metadata_types").toObject();
        const QJsonObject theirTypes = theirs.value("metadata_types").toObject();
        QCOMPARE(theirTypes.size(), int(gguf->metadata().size()));
        QVERIFY(theirTypes.size() > 0);
        const QJsonObject ourMeta = ours.value("metadata").toObject();
        const QJsonObject theirMeta = theirs.value("metadata").toObject();
        QCOMPARE(ourMeta.keys(), theirMeta.keys());
        int values = 0;
        for (const auto& [key, value] : gguf->metadata()) {
            const QString k = QString::fromStdString(key);
            QVERIFY2(theirMeta.contains(k), qPrintable("Python lacks " + k));
            QCOMPARE(ourTypes.value(k).toString(), theirTypes.value(k).toString());
            const QString type = theirTypes.value(k).toString();
            const bool float32 =
                type == QLatin1String("FLOAT32") || type == QLatin1String("ARRAY[FLOAT32]");
            const QString d = difference(ourMeta.value(k), theirMeta.value(k), float32, k);
            QVERIFY2(d.isEmpty(), qPrintable(d));
            ++values;
        }
        QCOMPARE(values, theirMeta.size());

        // Tensors: same order, and each field equal.
        QFile rawFile(file);
        QVERIFY(rawFile.open(QIODevice::ReadOnly));
        const QByteArray raw = rawFile.readAll();
        const QJsonArray ourTensors = ours.value("tensors").toArray();
        const QJsonArray theirTensors = theirs.value("tensors").toArray();
        QCOMPARE(ourTensors.size(), theirTensors.size());
        QCOMPARE(ourTensors.size(), qsizetype(gguf->tensors().size()));
        for (qsizetype i = 0; i < ourTensors.size(); ++i) {
            const QJsonObject a = ourTensors[i].toObject();
            const QJsonObject b = theirTensors[i].toObject();
            const QString where = a.value("name").toString();
            QCOMPARE(a.value("name").toString(), b.value("name").toString());
            QCOMPARE(a.value("type").toString(), b.value("type").toString());
            QCOMPARE(a.value("shape").toArray(), b.value("shape").toArray());
            QCOMPARE(a.value("offset").toInteger(), b.value("offset").toInteger());
            QCOMPARE(a.value("n_bytes").toInteger(), b.value("n_bytes").toInteger());
            // TensorInfo::data holds the bytes Python found at its absolute offset.
            const auto& t = gguf->tensors()[size_t(i)];
            const qint64 at = b.value("absolute_offset").toInteger();
            const qint64 n = std::min<qint64>(qint64(t.n_bytes), 64);
            QVERIFY(at + n <= raw.size());
            QVERIFY2(std::memcmp(t.data, raw.constData() + at, size_t(n)) == 0, qPrintable(where));
            QVERIFY2(!where.isEmpty(), "tensor without a name");
        }
    }

    void opening128kVocabularyIsFast() {
        const std::string path = HEARTH_TEST_DATA_DIR "/tokenizer/ggml-vocab-llama-bpe.gguf";
        double best_ms = 1e9;
        for (int i = 0; i < 7; ++i) {
            QElapsedTimer timer;
            timer.start();
            const auto file = GgufFile::open(path);
            best_ms = std::min(best_ms, timer.nsecsElapsed() / 1e6);
            QCOMPARE(file->get_array("tokenizer.ggml.tokens")->items.size(), size_t{128256});
        }
        qInfo("opening a 128256-token vocabulary: %.1f ms (best of 7)", best_ms);
        QVERIFY2(best_ms < 100.0, qPrintable(QStringLiteral("%1 ms").arg(best_ms)));
    }
};

QTEST_GUILESS_MAIN(TestGgufReference)
#include "test_gguf_reference.moc"
