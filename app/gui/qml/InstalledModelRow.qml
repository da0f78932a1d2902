import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One installed model: name, facts, path, memory estimate; quantize and delete.
Rectangle {
    id: row
    property var controller
    signal deleteRequested(int row, string fileName)
    // The ComboBox below has its own `model`; name the row's roles before it shadows them.
    readonly property string fileName: model.fileName
    readonly property int rowIndex: index
    objectName: "installedModel_" + fileName
    implicitHeight: content.implicitHeight + 16
    radius: Theme.smallRadius
    color: Theme.raised
    border.color: Theme.border

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: 8
        spacing: 2
        RowLayout {
            Layout.fillWidth: true
            Label {
                text: model.title
                font.weight: Font.DemiBold
                color: Theme.text
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            ComboBox {
                id: typeBox
                objectName: "quantizeType_" + row.fileName
                model: row.controller.quantizeTypes
                implicitWidth: 96
            }
            Button {
                objectName: "quantizeButton_" + row.fileName
                text: qsTr("Quantize")
                enabled: !row.controller.busy && model.error.length === 0
                onClicked: row.controller.quantize(row.rowIndex, typeBox.currentText)
            }
            IconButton {
                objectName: "deleteButton_" + row.fileName
                iconName: "trash"
                tip: qsTr("Delete %1").arg(row.fileName)
                enabled: !row.controller.busy
                onClicked: row.deleteRequested(row.rowIndex, row.fileName)
            }
        }
        Label {
            objectName: "modelFacts_" + row.fileName
            text: model.error.length > 0 ? model.error
                  : [model.architecture, model.parameters + " " + qsTr("params"), model.quant,
                     model.sizeText, qsTr("context %1").arg(model.contextLength),
                     model.licence.length > 0 ? model.licence : qsTr("licence unknown"),
                     model.hasTemplate ? qsTr("chat template") : qsTr("no chat template")].join("  ·  ")
            color: model.error.length > 0 ? Theme.danger : Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            text: model.path
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideMiddle
            Layout.fillWidth: true
        }
        Label {
            objectName: "memory_" + row.fileName
            text: qsTr("Needs %1").arg(model.memoryText)
            color: model.fitsInMemory ? Theme.mutedText : Theme.warning
            font.pixelSize: Theme.smallFontSize
        }
    }
}
