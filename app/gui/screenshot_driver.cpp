#include "gui/screenshot_driver.h"

#include <QImage>
#include <QQuickWindow>
#include <QVariant>
#include <cstdio>

namespace hearth::gui {

ScreenshotDriver::ScreenshotDriver(QQuickWindow* window, QString file, QString scene,
                                   QObject* parent)
    : QObject(parent), window_(window), file_(std::move(file)), scene_(std::move(scene)) {
    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &ScreenshotDriver::poll);
}

void ScreenshotDriver::start() {
    QMetaObject::invokeMethod(window_, "prepareScene", Q_ARG(QVariant, scene_));
    poll_.start();
}

void ScreenshotDriver::poll() {
    waitedMs_ += kPollMs;
    if (window_->property("sceneReady").toBool()) {
        poll_.stop();
        // Let delegates finish layout and the last frame reach the window.
        QTimer::singleShot(600, this, &ScreenshotDriver::grab);
        return;
    }
    if (waitedMs_ >= kTimeoutMs) {
        poll_.stop();
        std::fprintf(stderr, "hearth: screenshot scene '%s' did not become ready\n",
                     qPrintable(scene_));
        Q_EMIT done(false);
    }
}

void ScreenshotDriver::grab() {
    const QImage image = window_->grabWindow();
    const bool ok = !image.isNull() && image.save(file_, "PNG");
    if (!ok) std::fprintf(stderr, "hearth: could not write screenshot %s\n", qPrintable(file_));
    Q_EMIT done(ok);
}

}  // namespace hearth::gui
