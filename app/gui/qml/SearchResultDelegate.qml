import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A search hit: conversation title and the snippet with the matches in bold.
ItemDelegate {
    id: hit
    required property int index
    required property var conversationId
    required property var messageId
    required property string title
    required property string snippetHtml
    signal activated()

    objectName: "searchResult_" + index
    padding: 10
    Accessible.name: title
    background: Rectangle {
        radius: Theme.smallRadius
        color: hit.hovered || hit.activeFocus ? Theme.hover : Theme.surface
        border.color: hit.visualFocus ? Theme.accent : Theme.border
        border.width: hit.visualFocus ? 2 : 1
    }
    contentItem: ColumnLayout {
        spacing: 3
        Label {
            text: hit.title
            font.weight: Font.DemiBold
            font.pixelSize: Theme.smallFontSize + 1
            color: Theme.text
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            text: hit.snippetHtml
            textFormat: Text.StyledText
            wrapMode: Text.Wrap
            maximumLineCount: 3
            elide: Text.ElideRight
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            Layout.fillWidth: true
        }
    }
    onClicked: activated()
    Keys.onReturnPressed: activated()
}
