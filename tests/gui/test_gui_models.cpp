// The models page, driven by objectName on the real window: facts of the installed model,
// import refused with a reason / accepted, quantize with progress, cancel leaving no file,
// a comparison landing in the table and chart, delete behind a confirmation.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

#include "gui/models_controller.h"
#include "gui_fixture.h"

using namespace hearth;
using namespace hearth::test;

namespace {

QString text(QQuickItem* item) {
    return item ? item->property("text").toString() : QString();
}

}  // namespace

class TestGuiModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(home_.ok());
        gui::prepareApplication(*qGuiApp);
        QVERIFY(win_.open());
        QQuickItem* button = win_.item(QStringLiteral("modelsButton"));
        QVERIFY(button);
        clickItem(win_.window, button);
        QTRY_VERIFY(win_.item(QStringLiteral("modelsPage")));
        QTRY_VERIFY(win_.item(QStringLiteral("modelsPage"))->isVisible());
        models_ =
            win_.window->findChild<gui::ModelsController*>(QStringLiteral("modelsController"));
        QVERIFY(models_);
        new QAbstractItemModelTester(models_->installed(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        new QAbstractItemModelTester(models_->comparisons(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, this);
    }

    void showsTheInstalledModelsFacts() {
        QCOMPARE(models_->installed()->rowCount(), 1);
        const QString facts = text(win_.item(QStringLiteral("modelFacts_stories260K.gguf")));
        for (const char* part : {"llama", "F32", "context 2048", "params"})
            QVERIFY2(facts.contains(QLatin1String(part)), qPrintable(facts));
        QVERIFY(text(win_.item(QStringLiteral("memory_stories260K.gguf")))
                    .contains(QLatin1String("free")));
    }

    void importRefusesACorruptFile() {
        const QString bad = scratch_.filePath(QStringLiteral("broken.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF\x03\0\0\0garbage", 15);
        f.close();
        QVERIFY(!models_->importFile(QUrl::fromLocalFile(bad).toString()));
        QQuickItem* error = win_.item(QStringLiteral("modelsError"));
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(text(error).startsWith(QLatin1String("cannot import")), qPrintable(text(error)));
        QCOMPARE(QDir(home_.modelsDir()).entryList(QDir::Files), QStringList{"stories260K.gguf"});

        const QString good = scratch_.filePath(QStringLiteral("imported.gguf"));
        QVERIFY(QFile::copy(QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf"), good));
        QVERIFY(models_->importFile(good));
        QCOMPARE(models_->installed()->rowCount(), 2);
        QVERIFY(!error->isVisible());
    }

    void quantizeFromThePage() {
        const int row = rowOf(QStringLiteral("stories260K.gguf"));
        // The list was reset by the import; its delegates come back on the next polish.
        QQuickItem* typeBox = nullptr;
        QTRY_VERIFY((typeBox = win_.item(QStringLiteral("quantizeType_stories260K.gguf"))));
        typeBox->setProperty("currentIndex",
                             models_->quantizeTypes().indexOf(QStringLiteral("Q8_0")));
        QSignalSpy done(models_, &gui::ModelsController::quantizeFinished);
        QSignalSpy progress(models_, &gui::ModelsController::progressChanged);
        clickItem(win_.window, win_.item(QStringLiteral("quantizeButton_stories260K.gguf")));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QVERIFY(progress.count() > 1);
        QVERIFY(QFileInfo::exists(home_.modelsDir() + QStringLiteral("/stories260K-q8_0.gguf")));
        QCOMPARE(models_->installed()->rowCount(), 3);
        QVERIFY(row >= 0);
    }

    void cancelledQuantizeLeavesNoFile() {
        QSignalSpy busy(models_, &gui::ModelsController::busyChanged);
        QVERIFY(
            models_->quantize(rowOf(QStringLiteral("stories260K.gguf")), QStringLiteral("Q4_K")));
        QQuickItem* cancel = win_.item(QStringLiteral("cancelJobButton"));
        QVERIFY(cancel && cancel->isVisible());
        QMetaObject::invokeMethod(cancel, "clicked");
        QTRY_VERIFY_WITH_TIMEOUT(!models_->busy(), 60000);
        QCOMPARE(models_->statusText(), QStringLiteral("Cancelled"));
        QCOMPARE(QDir(home_.modelsDir()).entryList(QDir::Files),
                 (QStringList{"imported.gguf", "stories260K-q8_0.gguf", "stories260K.gguf"}));
    }

    void compareShowsTableAndChart() {
        models_->setEvalLimits(128, 3);
        QSignalSpy done(models_, &gui::ModelsController::compareFinished);
        QTRY_VERIFY(rowOf(QStringLiteral("stories260K-q8_0.gguf")) >= 0);
        win_.item(QStringLiteral("compareBase"))
            ->setProperty("currentIndex", rowOf(QStringLiteral("stories260K.gguf")));
        win_.item(QStringLiteral("compareCandidate"))
            ->setProperty("currentIndex", rowOf(QStringLiteral("stories260K-q8_0.gguf")));
        clickItem(win_.window, win_.item(QStringLiteral("compareButton")));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QVERIFY2(models_->errorText().isEmpty(), qPrintable(models_->errorText()));
        QCOMPARE(models_->comparisons()->rowCount(), 1);
        QTRY_VERIFY(win_.item(QStringLiteral("comparisonRow_stories260K-q8_0.gguf")));
        const double kld =
            text(win_.item(QStringLiteral("meanKld_stories260K-q8_0.gguf"))).toDouble();
        QVERIFY2(kld > 0 && kld < 0.05, qPrintable(QString::number(kld)));
        QVERIFY(win_.item(QStringLiteral("comparisonChart"))->isVisible());
        // Every bar stands on the plot's zero line; the one comparison's KLD is the largest
        // of its kind, so its bar is the full 100 %. Both axes say what they show.
        QQuickItem* plot = win_.item(QStringLiteral("chartPlot"));
        QVERIFY(plot && plot->height() > 40);
        for (const char* name : {"chartBar_sizeBytes", "chartBar_meanKld", "chartBar_tokensPerS"}) {
            QQuickItem* bar = nullptr;
            QTRY_VERIFY((bar = win_.item(QLatin1String(name))));
            QCOMPARE(bar->mapToItem(plot, QPointF(0, bar->height())).y(), plot->height());
            QVERIFY2(bar->height() > 0 && bar->height() <= plot->height(), name);
        }
        QCOMPARE(win_.item(QStringLiteral("chartBar_meanKld"))->height(), plot->height());
        QVERIFY(text(win_.item(QStringLiteral("chartYAxisTitle"))).contains(QLatin1Char('%')));
        QVERIFY(text(win_.item(QStringLiteral("chartXAxisTitle")))
                    .contains(QLatin1String("candidate")));
        QVERIFY(QFileInfo::exists(home_.modelsDir() +
                                  QStringLiteral("/.comparisons/stories260K-q8_0.gguf.json")));
    }

    void deleteAsksFirst() {
        QQuickItem* del = nullptr;
        QTRY_VERIFY((del = win_.item(QStringLiteral("deleteButton_imported.gguf"))));
        clickItem(win_.window, del);
        QObject* dialog = nullptr;
        QTRY_VERIFY(
            (dialog = win_.window->findChild<QObject*>(QStringLiteral("deleteConfirmDialog"))) &&
            dialog->property("opened").toBool());
        QVERIFY(QFileInfo::exists(home_.modelsDir() + QStringLiteral("/imported.gguf")));
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(!QFileInfo::exists(home_.modelsDir() + QStringLiteral("/imported.gguf")));
        QCOMPARE(models_->installed()->rowCount(), 2);
    }

private:
    int rowOf(const QString& fileName) const {
        for (int r = 0; r < models_->installed()->rowCount(); ++r)
            if (models_->installed()->fileNameAt(r) == fileName) return r;
        return -1;
    }

    GuiHome home_{true};
    QTemporaryDir scratch_;
    OpenWindow win_;
    gui::ModelsController* models_ = nullptr;
};

QTEST_MAIN(TestGuiModels)
#include "test_gui_models.moc"
