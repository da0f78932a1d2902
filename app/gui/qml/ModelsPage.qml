import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth

// The models page (Ctrl+M): installed models with their facts and memory estimate, import,
// delete, quantize with progress; the catalog with downloads (progress, cancel, resume); and
// the comparison of a quantized model with its base.
Rectangle {
    id: page
    objectName: "modelsPage"
    property alias controller: models
    signal closeRequested()
    color: Theme.window

    ModelsController {
        id: models
        objectName: "modelsController"
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Models")
                font.pixelSize: Theme.titleFontSize
                font.weight: Font.DemiBold
                color: Theme.text
            }
            Label {
                text: models.modelsDirectory
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Label { text: qsTr("Memory at"); color: Theme.mutedText }
            SpinBox {
                objectName: "contextTokensSpin"
                from: 256; to: 131072; stepSize: 1024
                value: models.contextTokens
                editable: true
                onValueModified: models.contextTokens = value
            }
            Label { text: qsTr("tokens"); color: Theme.mutedText }
            Button {
                objectName: "importButton"
                text: qsTr("Import .gguf…")
                onClicked: importDialog.open()
            }
            IconButton {
                objectName: "closeModelsButton"
                iconName: "close"
                tip: qsTr("Back to chat (Esc)")
                onClicked: page.closeRequested()
            }
        }

        Label {
            objectName: "modelsError"
            visible: models.errorText.length > 0
            text: models.errorText
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        QuantizeBar { controller: models; Layout.fillWidth: true }

        ListView {
            id: list
            objectName: "installedModelsList"
            Layout.fillWidth: true
            // Leaves the comparison chart room once there are comparisons to show.
            Layout.preferredHeight: Math.min(contentHeight, page.height
                                             * (models.comparisons.count > 0 ? 0.26 : 0.42))
            clip: true
            spacing: 6
            model: models.installed
            delegate: InstalledModelRow {
                width: list.width
                controller: models
                onDeleteRequested: (row, fileName) => {
                    deleteDialog.row = row
                    deleteDialog.fileName = fileName
                    deleteDialog.open()
                }
            }
        }

        Label {
            text: qsTr("Catalog")
            font.weight: Font.DemiBold
            color: Theme.text
        }
        ListView {
            id: catalogList
            objectName: "catalogList"
            Layout.fillWidth: true
            Layout.preferredHeight: contentHeight
            interactive: false
            spacing: 6
            model: models.catalog
            delegate: CatalogRow {
                width: catalogList.width
                catalog: models.catalog
            }
        }

        ComparisonPanel {
            controller: models
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }

    FileDialog {
        id: importDialog
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: models.importFile(selectedFile.toString())
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteConfirmDialog"
        property int row: -1
        property string fileName
        anchors.centerIn: parent
        modal: true
        title: qsTr("Delete model")
        width: 440
        standardButtons: Dialog.Yes | Dialog.Cancel
        Label {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("Delete %1 from disk? This cannot be undone.").arg(deleteDialog.fileName)
        }
        onAccepted: models.deleteModel(row)
    }
}
