#pragma once
// A private home for one GUI test: the database, settings and model directory live in a
// temporary directory, and the window is the real Main.qml loaded the way `hearth` loads it.
#include <QAbstractItemModel>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "gui/app_setup.h"
#include "gui/chat_controller.h"

namespace hearth::test {

class GuiHome {
public:
    // withModel: copies tests/data/models/stories260K.gguf into the private models dir.
    explicit GuiHome(bool withModel) {
        const QString root = dir_.path();
        QDir().mkpath(root + QStringLiteral("/config"));
        QDir().mkpath(root + QStringLiteral("/data"));
        QDir().mkpath(modelsDir());
        qputenv("HEARTH_DB", dbPath().toUtf8());
        qputenv("XDG_CONFIG_HOME", (root + QStringLiteral("/config")).toUtf8());
        qputenv("XDG_DATA_HOME", (root + QStringLiteral("/data")).toUtf8());
        qputenv("XDG_STATE_HOME", (root + QStringLiteral("/state")).toUtf8());
        qputenv("HEARTH_MODELS_DIR", modelsDir().toUtf8());
        if (withModel) {
            const QString source = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
            ok_ = QFile::copy(source, modelsDir() + QStringLiteral("/stories260K.gguf"));
        }
    }
    bool ok() const { return dir_.isValid() && ok_; }
    QString dbPath() const { return dir_.path() + QStringLiteral("/hearth.db"); }
    QString modelsDir() const { return dir_.path() + QStringLiteral("/models"); }

private:
    QTemporaryDir dir_;
    bool ok_ = true;
};

// The window as `hearth` shows it. Destroying it is the app closing.
struct OpenWindow {
    std::unique_ptr<QQmlApplicationEngine> engine = std::make_unique<QQmlApplicationEngine>();
    QQuickWindow* window = nullptr;
    gui::ChatController* chat = nullptr;

    bool open() {
        window = gui::loadMainWindow(*engine);
        if (!window) return false;
        chat = window->findChild<gui::ChatController*>(QStringLiteral("chatController"));
        return chat != nullptr && QTest::qWaitForWindowExposed(window);
    }
    // Items are searched through the visual tree (childItems), which is where QML puts
    // them; their QObject parents can be elsewhere (loaders, views, popups).
    QQuickItem* item(const QString& objectName) const {
        const auto all = items(objectName);
        return all.isEmpty() ? nullptr : all.constFirst();
    }
    QList<QQuickItem*> items(const QString& objectName) const {
        QList<QQuickItem*> out;
        collect(window->contentItem(), objectName, out);
        return out;
    }
    // Items with that objectName that are visible, in tree order.
    QList<QQuickItem*> visibleItems(const QString& objectName) const {
        QList<QQuickItem*> out;
        for (QQuickItem* i : items(objectName))
            if (i->isVisible()) out << i;
        return out;
    }
    static void collect(QQuickItem* root, const QString& objectName, QList<QQuickItem*>& out) {
        if (root->objectName() == objectName) out << root;
        for (QQuickItem* child : root->childItems())
            collect(child, objectName, out);
    }
    void close() {
        engine.reset();
        window = nullptr;
        chat = nullptr;
    }
};

inline void clickItem(QQuickWindow* window, QQuickItem* item) {
    const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
}

}  // namespace hearth::test
