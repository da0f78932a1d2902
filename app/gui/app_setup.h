#pragma once
// What every window of the app needs before QML runs, shared by gui::run() and the GUI
// tests so both drive exactly the same window.
#include <QString>

class QGuiApplication;
class QQmlApplicationEngine;
class QQuickWindow;

namespace hearth::gui {

// Application names (QSettings location), icon, Controls style and palette. The palette is
// dark when HEARTH_THEME=dark, light when HEARTH_THEME=light, otherwise it follows the
// lightness of the platform's window colour (Qt 6.4 has no colour-scheme hint).
void prepareApplication(QGuiApplication& app);
bool isDarkTheme();

// Registers the Hearth QML module and loads Main.qml, restoring the window geometry saved
// in QSettings (and saving it as it changes). Returns the window, or nullptr after logging
// the QML errors.
QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine);

inline constexpr auto kMainQmlUrl = "qrc:/qt/qml/Hearth/Main.qml";

}  // namespace hearth::gui
