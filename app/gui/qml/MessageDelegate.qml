import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One message of the selected branch. User messages sit in a bubble on the right; replies
// are full width with prose rendered as Markdown and each fenced code block in its own
// CodeBlock. Below: branch navigation "‹ 2/3 ›", actions, and for replies a footer with
// model, tokens, speed and time to first token. Interrupted / cancelled / failed replies
// say so, with "Continue" for an interrupted one.
Item {
    id: item
    required property int index
    required property var messageId
    required property string role
    required property string content
    required property int siblingCount
    required property int siblingIndex
    required property string finishReason
    required property bool streaming
    required property string target
    required property string errorMessage
    required property int completionTokens
    required property real tokensPerS
    required property real ttftMs
    required property real cost
    property var chat
    property bool isLast: false
    property bool editing: false
    readonly property bool isUser: role === "user"
    readonly property var blocks: chat.messageBlocks(content)

    objectName: "message_" + index
    implicitHeight: column.implicitHeight + 16
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You") : qsTr("Assistant")) + ": " + content

    ColumnLayout {
        id: column
        width: Math.min(item.width - 2 * Theme.padding - 16, Theme.messageMaxWidth)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        anchors.topMargin: 8
        spacing: 6

        // The message body
        Rectangle {
            id: bubble
            visible: !item.editing
            Layout.alignment: item.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.maximumWidth: item.isUser ? column.width * 0.8 : column.width
            Layout.preferredWidth: item.isUser ? Math.min(column.width * 0.8, body.implicitWidth + 28) : column.width
            implicitHeight: body.implicitHeight + (item.isUser ? 20 : 0)
            radius: 16
            color: item.isUser ? Theme.userBubble : "transparent"

            ColumnLayout {
                id: body
                anchors.fill: parent
                anchors.margins: item.isUser ? 10 : 0
                anchors.leftMargin: item.isUser ? 14 : 0
                anchors.rightMargin: item.isUser ? 14 : 0
                spacing: 10
                Repeater {
                    model: item.blocks
                    delegate: Loader {
                        required property var modelData
                        required property int index
                        Layout.fillWidth: true
                        sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
                        Component {
                            id: proseComponent
                            TextEdit {
                                objectName: "prose_" + index
                                text: modelData.text
                                textFormat: item.isUser ? TextEdit.PlainText : TextEdit.MarkdownText
                                readOnly: true
                                selectByMouse: true
                                wrapMode: TextEdit.Wrap
                                color: Theme.text
                                selectionColor: Theme.accent
                                selectedTextColor: Theme.accentText
                                font.pixelSize: Theme.fontSize
                                activeFocusOnPress: false
                                onLinkActivated: link => Qt.openUrlExternally(link)
                            }
                        }
                        Component {
                            id: codeComponent
                            CodeBlock {
                                code: modelData.text
                                language: modelData.language
                                onCopyRequested: item.chat.copyToClipboard(modelData.text)
                            }
                        }
                    }
                }
                BusyIndicator {
                    visible: item.streaming && item.content.length === 0
                    running: visible
                    implicitWidth: 28
                    implicitHeight: 28
                }
            }
        }

        // Edit mode: a text area with Save & submit / Cancel
        ColumnLayout {
            visible: item.editing
            Layout.fillWidth: true
            spacing: 6
            TextArea {
                id: editArea
                objectName: "editArea"
                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                Accessible.name: qsTr("Edit message")
                background: Rectangle { radius: Theme.radius; color: Theme.surface; border.color: Theme.accent }
                Keys.onEscapePressed: item.editing = false
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); onClicked: item.editing = false }
                Button {
                    objectName: "saveEditButton"
                    text: item.isUser ? qsTr("Save & submit") : qsTr("Save")
                    highlighted: true
                    onClicked: { item.chat.editMessage(item.messageId, editArea.text); item.editing = false }
                }
            }
        }

        // Status of a reply that did not end normally
        Label {
            objectName: "finishNotice"
            visible: !item.isUser && !item.streaming && text.length > 0
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: item.finishReason === "error" ? Theme.danger : Theme.warning
            font.pixelSize: Theme.smallFontSize
            text: item.finishReason === "interrupted" ? qsTr("Interrupted — the app closed while this reply was being written.")
                : item.finishReason === "cancelled" ? qsTr("Stopped.")
                : item.finishReason === "length" ? qsTr("Reached the token limit.")
                : item.finishReason === "context" ? qsTr("The context window is full.")
                : item.finishReason === "error" ? qsTr("Failed: %1").arg(item.errorMessage)
                : ""
        }

        // Branch navigation, actions, footer
        RowLayout {
            visible: !item.editing && !(item.streaming && item.isLast)
            Layout.alignment: item.isUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2

            RowLayout {
                visible: item.siblingCount > 1
                spacing: 0
                IconButton {
                    objectName: "previousBranch"
                    iconName: "chevron-left"
                    tip: qsTr("Previous version")
                    enabled: item.siblingIndex > 0 && !item.chat.generating
                    implicitWidth: 26
                    onClicked: item.chat.switchSibling(item.messageId, -1)
                }
                Label {
                    objectName: "branchLabel"
                    text: (item.siblingIndex + 1) + "/" + item.siblingCount
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    Accessible.name: qsTr("Version %1 of %2").arg(item.siblingIndex + 1).arg(item.siblingCount)
                }
                IconButton {
                    objectName: "nextBranch"
                    iconName: "chevron-right"
                    tip: qsTr("Next version")
                    enabled: item.siblingIndex + 1 < item.siblingCount && !item.chat.generating
                    implicitWidth: 26
                    onClicked: item.chat.switchSibling(item.messageId, 1)
                }
            }
            IconButton {
                objectName: "copyMessage"
                iconName: "copy"
                tip: qsTr("Copy")
                onClicked: item.chat.copyToClipboard(item.content)
            }
            IconButton {
                objectName: "editMessage"
                iconName: "edit"
                tip: qsTr("Edit")
                enabled: !item.chat.generating
                onClicked: { editArea.text = item.content; item.editing = true; editArea.forceActiveFocus() }
            }
            IconButton {
                objectName: "regenerate"
                visible: !item.isUser && item.isLast
                iconName: "refresh"
                tip: qsTr("Regenerate")
                enabled: !item.chat.generating
                onClicked: item.chat.regenerate()
            }
            Button {
                objectName: "continueButton"
                visible: !item.isUser && item.finishReason === "interrupted"
                enabled: !item.chat.generating
                text: qsTr("Continue")
                icon.source: "qrc:/icons/play.svg"
                flat: true
                onClicked: item.chat.continueReply(item.messageId)
            }
            IconButton {
                objectName: "deleteMessage"
                iconName: "trash"
                tip: qsTr("Delete")
                enabled: !item.chat.generating
                onClicked: item.chat.deleteMessage(item.messageId)
            }
            Label {
                objectName: "statsFooter"
                visible: !item.isUser && item.completionTokens > 0
                leftPadding: 8
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                text: item.target + "  ·  " + item.completionTokens + " tokens  ·  "
                      + item.tokensPerS.toFixed(1) + " tok/s  ·  first token "
                      + Math.round(item.ttftMs) + " ms"
                      + (item.cost > 0 ? "  ·  $" + item.cost.toFixed(4) : "")
            }
        }
    }
}
