import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One sidebar row: title (pinned ones with a pin), inline rename, a menu with rename / pin /
// delete. F2 renames, Delete deletes (with undo).
ItemDelegate {
    id: row
    required property var model
    required property int index
    property var chat
    property bool current: false
    readonly property var conversationId: model.id

    objectName: "conversation_" + index
    height: 38
    padding: 0
    leftPadding: 10
    rightPadding: 4
    Accessible.name: model.title
    highlighted: current

    background: Rectangle {
        radius: Theme.smallRadius
        color: row.current ? Theme.selected : (row.hovered ? Theme.hover : "transparent")
        border.width: row.visualFocus ? 2 : 0
        border.color: Theme.accent
    }

    contentItem: RowLayout {
        spacing: 6
        Image {
            visible: row.model.pinned
            source: "qrc:/icons/pin.svg"
            sourceSize: Qt.size(14, 14)
            opacity: 0.6
        }
        Label {
            visible: !renameField.visible
            text: row.model.title.length > 0 ? row.model.title : qsTr("Untitled")
            elide: Text.ElideRight
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            Layout.fillWidth: true
        }
        TextField {
            id: renameField
            objectName: "renameField"
            visible: false
            Layout.fillWidth: true
            Accessible.name: qsTr("New title")
            onAccepted: { row.chat.renameConversation(row.model.id, text); visible = false }
            Keys.onEscapePressed: visible = false
            onActiveFocusChanged: if (!activeFocus) visible = false
        }
        IconButton {
            objectName: "conversationMenuButton"
            iconName: "more"
            tip: qsTr("Conversation actions")
            visible: row.hovered || row.current || menu.visible
            onClicked: menu.popup()
        }
    }

    function startRename() {
        renameField.text = model.title
        renameField.visible = true
        renameField.forceActiveFocus()
        renameField.selectAll()
    }

    onClicked: chat.openConversation(model.id)
    Keys.onPressed: event => {
        if (event.key === Qt.Key_F2) { startRename(); event.accepted = true }
        else if (event.key === Qt.Key_Delete) { chat.deleteConversation(model.id); event.accepted = true }
    }

    Menu {
        id: menu
        MenuItem { text: qsTr("Rename"); onTriggered: row.startRename() }
        MenuItem {
            text: row.model.pinned ? qsTr("Unpin") : qsTr("Pin")
            onTriggered: row.chat.togglePinned(row.model.id)
        }
        MenuItem {
            objectName: "deleteConversationItem"
            text: qsTr("Delete")
            onTriggered: row.chat.deleteConversation(row.model.id)
        }
    }
}
