import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A fenced code block: language label, copy button, monospace text that scrolls sideways
// instead of wrapping.
Rectangle {
    id: block
    property string code
    property string language
    signal copyRequested()

    objectName: "codeBlock"
    implicitHeight: header.height + flick.height
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border
    clip: true

    Rectangle {
        id: header
        width: parent.width
        height: 34
        color: Theme.codeHeader
        radius: Theme.radius
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: parent.radius; color: parent.color }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 4
            Label {
                text: block.language.length > 0 ? block.language : qsTr("code")
                color: Theme.mutedText
                font.family: Theme.monoFamily
                font.pixelSize: Theme.smallFontSize
                Layout.fillWidth: true
            }
            Button {
                id: copyButton
                objectName: "copyCodeButton"
                property bool copied: false
                flat: true
                text: copied ? qsTr("Copied") : qsTr("Copy")
                icon.source: copied ? "qrc:/icons/check.svg" : "qrc:/icons/copy.svg"
                icon.width: 14
                icon.height: 14
                icon.color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                Accessible.name: qsTr("Copy code")
                onClicked: { block.copyRequested(); copied = true; resetCopied.restart() }
                Timer { id: resetCopied; interval: 1500; onTriggered: copyButton.copied = false }
            }
        }
    }
    Flickable {
        id: flick
        anchors.top: header.bottom
        width: parent.width
        height: codeText.implicitHeight + 24
        contentWidth: codeText.implicitWidth + 28
        flickableDirection: Flickable.HorizontalFlick
        boundsBehavior: Flickable.StopAtBounds
        clip: true
        ScrollBar.horizontal: ScrollBar { policy: flick.contentWidth > flick.width ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff }
        TextEdit {
            id: codeText
            x: 14
            y: 12
            text: block.code
            textFormat: TextEdit.PlainText
            readOnly: true
            selectByMouse: true
            color: Theme.text
            selectionColor: Theme.accent
            font.family: Theme.monoFamily
            font.pixelSize: Theme.codeFontSize
        }
    }
}
