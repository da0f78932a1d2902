import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The message box: Enter sends, Shift+Enter is a new line; while a reply streams the
// button stops it (as does Esc).
Item {
    id: composer
    property var chat
    signal sent()
    function forceActiveFocus() { input.forceActiveFocus() }

    implicitHeight: box.implicitHeight + 2 * Theme.padding

    Rectangle {
        id: box
        anchors.fill: parent
        anchors.margins: Theme.padding
        anchors.topMargin: 8
        implicitHeight: Math.min(200, Math.max(52, input.implicitHeight + 16))
        radius: 14
        color: Theme.surface
        border.color: input.activeFocus ? Theme.accent : Theme.border
        border.width: 1

        ScrollView {
            anchors.left: parent.left
            anchors.right: sendButton.left
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            anchors.margins: 4
            TextArea {
                id: input
                objectName: "composerInput"
                placeholderText: composer.chat.modelState === "loading"
                                 ? qsTr("Message (the model is loading…)") : qsTr("Message Hearth")
                Accessible.name: qsTr("Message")
                wrapMode: TextEdit.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                background: Item {}
                Keys.onPressed: event => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        composer.submit()
                    }
                }
            }
        }

        RoundButton {
            id: sendButton
            objectName: composer.chat.generating ? "stopButton" : "sendButton"
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: 9
            width: 34
            height: 34
            enabled: composer.chat.generating || input.text.trim().length > 0
            icon.source: composer.chat.generating ? "qrc:/icons/stop.svg" : "qrc:/icons/send.svg"
            icon.color: Theme.accentText
            icon.width: 16
            icon.height: 16
            Accessible.name: composer.chat.generating ? qsTr("Stop generating (Esc)") : qsTr("Send (Enter)")
            ToolTip.visible: hovered
            ToolTip.text: Accessible.name
            background: Rectangle {
                radius: width / 2
                color: sendButton.enabled ? Theme.accent : Theme.hover
                opacity: sendButton.down ? 0.8 : 1
            }
            onClicked: composer.chat.generating ? composer.chat.stop() : composer.submit()
        }
    }

    function submit() {
        if (chat.send(input.text)) {
            input.text = ""
            sent()
        }
    }
}
