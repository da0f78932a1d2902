import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// "Deleted X — Undo" while the controller's undo window is open.
Rectangle {
    id: bar
    property string text
    signal undo()

    objectName: "undoSnackbar"
    visible: text.length > 0
    width: row.implicitWidth + 32
    height: 44
    radius: Theme.radius
    color: Theme.dark ? "#ece8e3" : "#2b2826"

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: 16
        Label {
            text: bar.text
            color: Theme.dark ? "#231f1c" : "#f4f1ed"
            elide: Text.ElideRight
            Layout.maximumWidth: 360
        }
        Button {
            objectName: "undoButton"
            text: qsTr("Undo")
            flat: true
            Accessible.name: qsTr("Undo delete")
            contentItem: Label {
                text: parent.text
                font.bold: true
                color: Theme.dark ? "#c8551c" : "#f39a3b"
            }
            background: Item {}
            onClicked: bar.undo()
        }
    }
}
