import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The template's worked examples: each an input (sent as a user turn) and the answer the
// model should have given (an assistant turn), in order, before the real input.
ColumnLayout {
    id: shots
    property var controller
    spacing: 6

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("Few-shot examples (%1)").arg(shots.controller.fewShot.count)
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            Layout.fillWidth: true
        }
        IconButton {
            objectName: "addExampleButton"
            iconName: "plus"
            tip: qsTr("Add an example")
            onClicked: shots.controller.addExample("", "")
        }
    }
    Repeater {
        model: shots.controller.fewShot
        delegate: Rectangle {
            id: example
            required property int index
            required property string input
            required property string output
            objectName: "fewShotExample"
            Layout.fillWidth: true
            implicitHeight: fields.implicitHeight + 12
            radius: Theme.smallRadius
            color: Theme.raised
            border.color: Theme.border

            ColumnLayout {
                id: fields
                anchors.fill: parent
                anchors.margins: 6
                spacing: 4
                RowLayout {
                    TextField {
                        objectName: "exampleInput"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 100
                        placeholderText: qsTr("input")
                        text: example.input
                        onEditingFinished: shots.controller.setExample(example.index, text, example.output)
                    }
                    IconButton {
                        objectName: "removeExampleButton"
                        iconName: "trash"
                        tip: qsTr("Remove this example")
                        onClicked: shots.controller.removeExample(example.index)
                    }
                }
                TextField {
                    objectName: "exampleOutput"
                    Layout.fillWidth: true
                    placeholderText: qsTr("expected answer")
                    text: example.output
                    onEditingFinished: shots.controller.setExample(example.index, example.input, text)
                }
            }
        }
    }
}
