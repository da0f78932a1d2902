import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A non-modal error strip with the real message; stays until dismissed or replaced.
Rectangle {
    id: banner
    property string text
    property bool offerDatabaseChoice: false
    signal dismissed()
    signal readOnlyChosen()
    signal startFreshChosen()

    objectName: "errorBanner"
    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    color: Theme.dangerBackground
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: 8
        spacing: Theme.spacing
        Label {
            objectName: "errorText"
            Layout.fillWidth: true
            text: banner.text
            color: Theme.danger
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
        Button {
            objectName: "openReadOnly"
            visible: banner.offerDatabaseChoice
            text: qsTr("Open read-only")
            Accessible.name: text
            onClicked: banner.readOnlyChosen()
        }
        Button {
            objectName: "startFresh"
            visible: banner.offerDatabaseChoice
            text: qsTr("Keep as backup, start fresh")
            Accessible.name: text
            onClicked: banner.startFreshChosen()
        }
        IconButton {
            objectName: "dismissError"
            iconName: "close"
            tip: qsTr("Dismiss")
            tint: Theme.danger
            onClicked: banner.dismissed()
        }
    }
}
