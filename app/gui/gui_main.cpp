// hearth with no subcommand: the chat window.
//
//   hearth [--screenshot FILE.png]   (or HEARTH_SCREENSHOT=FILE.png)
//
// With a screenshot file the window runs the scene named by HEARTH_SCREENSHOT_SCENE
// (see qml/ScreenshotScene.qml), grabs itself once the scene says it is ready, writes the
// PNG and exits: 0 when written, 1 otherwise.
#include "gui/gui_main.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>

#include "gui/app_setup.h"
#include "gui/screenshot_driver.h"

namespace hearth::gui {

int run(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    prepareApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hearth: local LLM chat"));
    parser.addHelpOption();
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window once it is ready, save it as FILE (PNG) and exit."),
        QStringLiteral("FILE"));
    parser.addOption(screenshotOption);
    parser.process(app);
    QString screenshot = parser.value(screenshotOption);
    if (screenshot.isEmpty()) screenshot = qEnvironmentVariable("HEARTH_SCREENSHOT");

    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine);
    if (!window) return 1;

    if (!screenshot.isEmpty()) {
        auto* driver = new ScreenshotDriver(window, screenshot,
                                            qEnvironmentVariable("HEARTH_SCREENSHOT_SCENE"), &app);
        QObject::connect(driver, &ScreenshotDriver::done, &app,
                         [](bool ok) { QCoreApplication::exit(ok ? 0 : 1); });
        driver->start();
    }
    return QGuiApplication::exec();
}

}  // namespace hearth::gui
