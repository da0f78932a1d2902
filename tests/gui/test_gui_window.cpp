// The window with no model installed: it opens, says how to get the default model, takes
// keyboard shortcuts, and closes cleanly without a warning on the console.
#include <QTest>

#include "gui_fixture.h"

namespace {
QStringList g_messages;
QtMessageHandler g_previous = nullptr;
void recordMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg) g_messages << message;
    g_previous(type, context, message);
}
}  // namespace

class TestGuiWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        hearth::gui::prepareApplication(*qGuiApp);
        g_previous = qInstallMessageHandler(recordMessages);
    }

    void opensWithFirstRunPanelThenFindsAModelAndClosesCleanly() {
        hearth::test::GuiHome home(false);
        QVERIFY(home.ok());
        g_messages.clear();
        {
            hearth::test::OpenWindow w;
            QVERIFY(w.open());
            QTRY_VERIFY(w.chat->ready());
            QCOMPARE(w.chat->modelState(), QStringLiteral("none"));

            QQuickItem* firstRun = w.item(QStringLiteral("firstRunPanel"));
            QVERIFY(firstRun);
            QVERIFY(firstRun->isVisible());
            QQuickItem* command = w.item(QStringLiteral("pullCommand"));
            QVERIFY(command);
            QCOMPARE(command->property("text").toString(),
                     QStringLiteral("hearth models pull smollm2-135m-instruct"));
            QVERIFY(!w.chat->send(QStringLiteral("hello")));      // nothing to run it on
            QCOMPARE(w.chat->conversationModel().rowCount(), 0);  // no fake conversations

            // Ctrl+K puts the keyboard in the search field.
            QTest::keyClick(w.window, Qt::Key_K, Qt::ControlModifier);
            QQuickItem* search = w.item(QStringLiteral("searchField"));
            QVERIFY(search);
            QTRY_VERIFY(search->hasActiveFocus());
            QCOMPARE(w.item(QStringLiteral("statusBar"))->isVisible(), true);

            // A model appears; "I have installed a model" picks it up and loads it.
            QVERIFY(QFile::copy(QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf"),
                                home.modelsDir() + QStringLiteral("/stories260K.gguf")));
            QQuickItem* rescan = w.item(QStringLiteral("rescanModels"));
            QVERIFY(rescan);
            hearth::test::clickItem(w.window, rescan);
            QTRY_COMPARE(w.chat->modelName(), QStringLiteral("stories260K"));
            QTRY_VERIFY(!firstRun->isVisible());
            QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelState(), QStringLiteral("ready"), 30000);
        }
        QTest::qWait(50);
        QVERIFY2(g_messages.isEmpty(), qPrintable(g_messages.join(QLatin1Char('\n'))));
    }

    // A GPU that cannot be used (no driver, or no Vulkan loader at all) shows as a note in
    // the status bar; choosing the CPU in the parameters panel reloads the model there and
    // the note goes.
    void deviceFallbackIsNotedInTheStatusBar_data() {
        QTest::addColumn<QByteArray>("variable");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no driver")
            << QByteArray("VK_ICD_FILENAMES") << QByteArray("/nonexistent/hearth-no-driver.json")
            << QStringLiteral("driver");
        QTest::newRow("no loader")
            << QByteArray("HEARTH_VULKAN_LOADER") << QByteArray("/nonexistent/libvulkan.so.1")
            << QStringLiteral("no Vulkan loader");
    }
    void deviceFallbackIsNotedInTheStatusBar() {
        QFETCH(QByteArray, variable);
        QFETCH(QByteArray, value);
        QFETCH(QString, reason);
        hearth::test::GuiHome home(true);
        QVERIFY(home.ok());
        qputenv("HEARTH_DEVICE", "0");
        qputenv(variable.constData(), value);
        if (variable == "VK_ICD_FILENAMES") qputenv("VK_DRIVER_FILES", value);
        {
            hearth::test::OpenWindow w;
            QVERIFY(w.open());
            QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelState(), QStringLiteral("ready"), 30000);
            QQuickItem* note = w.item(QStringLiteral("deviceFallbackNote"));
            QVERIFY(note);
            QTRY_VERIFY(note->isVisible());
            const QString text = note->property("text").toString();
            QVERIFY2(text.contains(QStringLiteral("CPU")) && text.contains(reason),
                     qPrintable(text));
            QVERIFY(w.chat->parameters()->devices().contains(QStringLiteral("cpu")));
            w.chat->parameters()->setDevice(QStringLiteral("cpu"));
            QTRY_COMPARE_WITH_TIMEOUT(w.chat->modelState(), QStringLiteral("ready"), 30000);
            QTRY_VERIFY(!note->isVisible());
        }
        qunsetenv("HEARTH_DEVICE");
        qunsetenv(variable.constData());
        qunsetenv("VK_DRIVER_FILES");
    }
};

QTEST_MAIN(TestGuiWindow)
#include "test_gui_window.moc"
