#pragma once
// Drives a --screenshot run: asks Main.qml to set up a scene (prepareScene(name)), waits
// until the root's `sceneReady` is true, lets a few frames settle, grabs the window and
// writes the PNG. Gives up (done(false)) after a timeout so a broken scene cannot hang CI.
#include <QObject>
#include <QString>
#include <QTimer>

class QQuickWindow;

namespace hearth::gui {

class ScreenshotDriver : public QObject {
    Q_OBJECT
public:
    ScreenshotDriver(QQuickWindow* window, QString file, QString scene, QObject* parent);
    void start();

Q_SIGNALS:
    void done(bool ok);

private:
    void poll();
    void grab();

    QQuickWindow* window_;
    QString file_, scene_;
    QTimer poll_;
    int waitedMs_ = 0;
    static constexpr int kPollMs = 100;
    static constexpr int kTimeoutMs = 180000;
};

}  // namespace hearth::gui
