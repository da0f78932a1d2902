import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The chat window: sidebar | chat | parameters, a status bar, banners and the undo snackbar.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1200
    height: 780
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: chat.conversationTitle.length > 0 ? chat.conversationTitle + " — Hearth" : "Hearth"
    color: Theme.window
    // Controls take their colours from the window's palette; Qt 6.4 does not pass the
    // application palette (set in app_setup.cpp) down to them, so hand it over here.
    palette.window: Theme.palette.window
    palette.windowText: Theme.palette.windowText
    palette.base: Theme.palette.base
    palette.alternateBase: Theme.palette.alternateBase
    palette.text: Theme.palette.text
    palette.button: Theme.palette.button
    palette.buttonText: Theme.palette.buttonText
    palette.highlight: Theme.palette.highlight
    palette.highlightedText: Theme.palette.highlightedText
    palette.placeholderText: Theme.palette.placeholderText
    palette.mid: Theme.palette.mid
    palette.midlight: Theme.palette.midlight
    palette.dark: Theme.palette.dark
    palette.light: Theme.palette.light
    palette.shadow: Theme.palette.shadow

    property bool parametersVisible: false
    // The prompt playground replaces the chat view while it is open.
    property bool playgroundVisible: false
    // The models page (Ctrl+M) covers the window while it is open.
    property bool modelsVisible: false
    // Set by ScreenshotScene when a --screenshot scene is ready to be grabbed.
    property bool sceneReady: false

    ChatController {
        id: chat
        objectName: "chatController"
        onFocusMessage: row => chatPane.showMessage(row)
    }
    ModelPickerModel {
        id: installedModels
        objectName: "installedModels"
        endpoints: chat.endpoints
    }

    function prepareScene(name) { scene.prepare(name) }
    property alias playgroundController: playground.controller
    function installedModelCount() { return installedModels.count }
    function installedModelName(row) { return installedModels.nameAt(row) }
    function showSearch(text) { sidebar.showSearch(text) }
    ScreenshotScene {
        id: scene
        chat: chat
        window: window
        playground: playground.controller
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: { chat.newConversation(); chatPane.focusComposer() }
    }
    Shortcut {
        sequence: "Ctrl+K"
        onActivated: sidebar.focusSearch()
    }
    Shortcut {
        sequence: "Esc"
        enabled: chat.generating
        onActivated: chat.stop()
    }
    Shortcut {
        sequence: "Ctrl+M"
        onActivated: window.modelsVisible = !window.modelsVisible
    }
    Shortcut {
        sequence: "Ctrl+Shift+P"
        onActivated: window.parametersVisible = !window.parametersVisible
    }

    PlaygroundPage {
        id: playground
        anchors.fill: parent
        visible: window.playgroundVisible
        onCloseRequested: window.playgroundVisible = false
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0
        visible: !window.playgroundVisible

        Sidebar {
            id: sidebar
            chat: chat
            onPlaygroundRequested: window.playgroundVisible = true
            onModelsRequested: window.modelsVisible = true
            Layout.preferredWidth: Theme.sidebarWidth
            Layout.fillHeight: true
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ErrorBanner {
                Layout.fillWidth: true
                text: chat.errorText
                offerDatabaseChoice: chat.databaseChoicePending
                onDismissed: chat.dismissError()
                onReadOnlyChosen: chat.openDatabaseReadOnly()
                onStartFreshChosen: chat.startFreshDatabase()
            }
            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true
                ChatPane {
                    id: chatPane
                    anchors.fill: parent
                    visible: installedModels.count > 0 || chat.thread.count > 0
                    chat: chat
                    models: installedModels
                    parametersVisible: window.parametersVisible
                    onToggleParameters: window.parametersVisible = !window.parametersVisible
                }
                FirstRunPanel {
                    anchors.fill: parent
                    visible: !chatPane.visible
                    modelsDirectory: installedModels.modelsDirectory()
                    onRescan: {
                        installedModels.refresh()
                        if (chat.modelName.length === 0 && installedModels.count > 0)
                            chat.modelName = installedModels.nameAt(0)
                    }
                    onDownloaded: name => {
                        installedModels.refresh()
                        chat.modelName = name
                    }
                }
            }
            StatusBar {
                Layout.fillWidth: true
                chat: chat
            }
        }

        Rectangle {
            Layout.fillHeight: true
            width: 1
            color: Theme.border
            visible: parametersPanel.visible
        }
        ParametersPanel {
            id: parametersPanel
            visible: window.parametersVisible
            parameters: chat.parameters
            Layout.preferredWidth: Theme.parametersWidth
            Layout.fillHeight: true
            onCloseRequested: window.parametersVisible = false
        }
    }

    // Loaded on first use: the page scans the models directory and owns a worker thread.
    Loader {
        objectName: "modelsPageLoader"
        anchors.fill: parent
        active: window.modelsVisible || item !== null
        visible: window.modelsVisible
        sourceComponent: ModelsPage {
            onCloseRequested: {
                window.modelsVisible = false
                installedModels.refresh()
            }
        }
    }

    UndoSnackbar {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 48
        text: chat.pendingDeleteTitle.length > 0
              ? qsTr("Deleted “%1”").arg(chat.pendingDeleteTitle) : ""
        onUndo: chat.undoDelete()
    }

    Component.onCompleted: chatPane.focusComposer()
}
