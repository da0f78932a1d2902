import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The template (name, system prompt, worked examples, user prompt with {{column}}
// placeholders, max tokens, assertions as JSON), the targets and the dataset.
Rectangle {
    id: editor
    property var controller
    signal closeRequested()
    color: Theme.sidebar
    clip: true

    component FieldLabel: Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        // The bar shows the position and follows the wheel, but never takes a click meant
        // for a control under it at the right edge.
        ScrollBar.vertical.interactive: false

        // ScrollView sizes its single child to the view; the column sits inside with margins.
        Item {
            implicitWidth: scroll.availableWidth
            implicitHeight: column.implicitHeight

            ColumnLayout {
                id: column
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.leftMargin: Theme.padding
                anchors.rightMargin: Theme.padding + 6
                spacing: Theme.spacing

                RowLayout {
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.padding
                    IconButton {
                        objectName: "playgroundBackButton"
                        iconName: "chevron-left"
                        tip: qsTr("Back to chat")
                        onClicked: editor.closeRequested()
                    }
                    Label {
                        text: qsTr("Prompt playground")
                        font.pixelSize: Theme.titleFontSize
                        font.weight: Font.DemiBold
                        color: Theme.text
                        Layout.fillWidth: true
                    }
                }

                FieldLabel { text: qsTr("Template name") }
                TextField {
                    objectName: "templateNameField"
                    Layout.fillWidth: true
                    text: editor.controller.templateName
                    onTextChanged: if (text !== editor.controller.templateName) editor.controller.templateName = text
                }
                FieldLabel { text: qsTr("System prompt") }
                TextArea {
                    objectName: "systemPromptField"
                    Layout.fillWidth: true
                    wrapMode: TextEdit.Wrap
                    text: editor.controller.systemPrompt
                    onTextChanged: if (text !== editor.controller.systemPrompt) editor.controller.systemPrompt = text
                }
                FewShotEditor {
                    controller: editor.controller
                    Layout.fillWidth: true
                }
                FieldLabel { text: qsTr("User prompt — {{column}} is the row's value, \\{{ a literal {{") }
                TextArea {
                    objectName: "userPromptField"
                    Layout.fillWidth: true
                    wrapMode: TextEdit.Wrap
                    text: editor.controller.userPrompt
                    onTextChanged: if (text !== editor.controller.userPrompt) editor.controller.userPrompt = text
                }
                RowLayout {
                    FieldLabel { text: qsTr("Max tokens") }
                    SpinBox {
                        objectName: "maxTokensField"
                        from: 1
                        to: 8192
                        editable: true
                        value: editor.controller.maxTokens
                        onValueModified: editor.controller.maxTokens = value
                    }
                }
                FieldLabel { text: qsTr("Assertions (JSON list)") }
                TextArea {
                    objectName: "assertionsField"
                    Layout.fillWidth: true
                    wrapMode: TextEdit.Wrap
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.smallFontSize
                    text: editor.controller.assertionsText
                    onTextChanged: if (text !== editor.controller.assertionsText) editor.controller.assertionsText = text
                }
                PlaygroundTargets {
                    controller: editor.controller
                    Layout.fillWidth: true
                }
                FieldLabel { text: qsTr("Dataset (CSV or JSONL)") }
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: datasetField
                        objectName: "datasetPathField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("/path/to/rows.csv")
                        text: editor.controller.datasetPath
                        onAccepted: editor.controller.loadDataset(text)
                    }
                    Button {
                        objectName: "loadDatasetButton"
                        text: qsTr("Load")
                        onClicked: editor.controller.loadDataset(datasetField.text)
                    }
                }
                Label {
                    objectName: "datasetInfo"
                    Layout.fillWidth: true
                    Layout.bottomMargin: Theme.padding
                    text: editor.controller.datasetInfo
                    color: Theme.mutedText
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }
    }
}
