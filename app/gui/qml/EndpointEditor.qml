import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Adds a remote endpoint: its kind, where it is, what it costs, whether personal data is
// scrubbed before sending (on by default, with a preview of what would be sent). Saving
// selects it for the open conversation; ChatController builds and checks the address.
Popup {
    id: editor
    property var chat
    readonly property bool sagemaker: kindBox.currentIndex === 1
    readonly property var fields: ({
        kind: sagemaker ? "sagemaker" : "openai",
        title: titleField.text, url: urlField.text, model: modelField.text,
        name: urlField.text, region: regionField.text, format: formatBox.currentText,
        priceIn: Number(priceInField.text), priceOut: Number(priceOutField.text),
        priceHour: Number(priceHourField.text), scrubPii: piiCheck.checked
    })

    objectName: "endpointEditor"
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 440
    padding: Theme.padding
    background: Rectangle { color: Theme.surface; radius: Theme.radius; border.color: Theme.border }
    onOpened: titleField.forceActiveFocus()

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacing
        Label { text: qsTr("Add a remote endpoint"); font.weight: Font.DemiBold; Layout.columnSpan: 2 }
        Label { text: qsTr("Kind") }
        ComboBox {
            id: kindBox
            objectName: "endpointKind"
            model: [qsTr("OpenAI-compatible"), qsTr("SageMaker")]
            Layout.fillWidth: true
        }
        Label { text: qsTr("Name") }
        TextField { id: titleField; objectName: "endpointTitle"; placeholderText: qsTr("My server"); Layout.fillWidth: true }
        Label { text: editor.sagemaker ? qsTr("Endpoint") : qsTr("URL") }
        TextField {
            id: urlField
            objectName: "endpointUrl"
            placeholderText: editor.sagemaker ? "my-endpoint" : "http://127.0.0.1:8080/v1"
            Layout.fillWidth: true
        }
        Label { text: editor.sagemaker ? qsTr("Region") : qsTr("Model") }
        TextField {
            id: modelField
            objectName: "endpointModel"
            visible: !editor.sagemaker
            Layout.fillWidth: true
        }
        TextField {
            id: regionField
            objectName: "endpointRegion"
            visible: editor.sagemaker
            placeholderText: "us-east-1"
            Layout.fillWidth: true
        }
        Label { text: qsTr("Format"); visible: editor.sagemaker }
        ComboBox { id: formatBox; objectName: "endpointFormat"; visible: editor.sagemaker; model: ["tgi", "lmi", "openai"]; Layout.fillWidth: true }
        Label { text: qsTr("USD per 1k in / out") }
        RowLayout {
            TextField { id: priceInField; objectName: "endpointPriceIn"; placeholderText: "0"; Layout.fillWidth: true }
            TextField { id: priceOutField; objectName: "endpointPriceOut"; placeholderText: "0"; Layout.fillWidth: true }
        }
        Label { text: qsTr("or USD per hour") }
        TextField { id: priceHourField; objectName: "endpointPriceHour"; placeholderText: qsTr("e.g. 0.76 (inf2.xlarge)"); Layout.fillWidth: true }
        CheckBox {
            id: piiCheck
            objectName: "endpointScrubPii"
            text: qsTr("Replace personal data before sending")
            checked: true
            Layout.columnSpan: 2
        }
        TextField {
            id: previewInput
            objectName: "piiPreviewInput"
            visible: piiCheck.checked
            placeholderText: qsTr("Try: mail jane@example.com")
            Layout.columnSpan: 2
            Layout.fillWidth: true
        }
        Label {
            objectName: "piiPreviewOutput"
            visible: piiCheck.checked && previewInput.text.length > 0
            text: editor.chat.previewScrub(previewInput.text)
            color: Theme.mutedText
            wrapMode: Text.WrapAnywhere
            Layout.columnSpan: 2
            Layout.fillWidth: true
        }
        Label {
            objectName: "endpointAddress"
            text: editor.chat.endpointAddress(editor.fields)
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideMiddle
            Layout.columnSpan: 2
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.columnSpan: 2
            Layout.alignment: Qt.AlignRight
            Button { objectName: "endpointCancel"; text: qsTr("Cancel"); onClicked: editor.close() }
            Button {
                objectName: "endpointSave"
                text: qsTr("Add and use")
                highlighted: true
                enabled: editor.chat.endpointAddress(editor.fields).length > 0
                onClicked: if (editor.chat.addEndpoint(editor.fields).length > 0) editor.close()
            }
        }
    }
}
