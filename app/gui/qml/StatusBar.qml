import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Device in use, model load state (with progress) and what is happening now.
Rectangle {
    id: bar
    property var chat
    objectName: "statusBar"
    implicitHeight: 28
    color: Theme.sidebar
    Rectangle { width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        spacing: 14
        Label {
            objectName: "deviceLabel"
            text: bar.chat.deviceName
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
        }
        Label {
            objectName: "deviceFallbackNote"
            visible: bar.chat.deviceNote !== ""
            text: bar.chat.deviceNote
            color: Theme.warning
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideRight
            Layout.maximumWidth: 420
            ToolTip.visible: noteHover.hovered
            ToolTip.text: bar.chat.deviceNote
            HoverHandler { id: noteHover }
        }
        Rectangle { width: 1; height: 14; color: Theme.border }
        Rectangle {
            width: 8; height: 8; radius: 4
            color: bar.chat.modelState === "ready" ? Theme.success
                 : bar.chat.modelState === "failed" ? Theme.danger
                 : bar.chat.modelState === "loading" ? Theme.warning : Theme.faintText
        }
        Label {
            objectName: "modelStateLabel"
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            text: bar.chat.modelState === "ready" ? qsTr("%1 ready").arg(bar.chat.modelDisplayName)
                : bar.chat.modelState === "loading" ? qsTr("Loading %1…").arg(bar.chat.modelName)
                : bar.chat.modelState === "failed" ? qsTr("%1 failed to load").arg(bar.chat.modelName)
                : qsTr("No model")
        }
        ProgressBar {
            objectName: "loadProgress"
            visible: bar.chat.modelState === "loading"
            value: bar.chat.modelProgress
            implicitWidth: 120
        }
        Item { Layout.fillWidth: true }
        Label {
            visible: bar.chat.generating
            text: qsTr("Generating…  Esc to stop")
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
        }
    }
}
