import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One catalog entry: title, size, licence and facts; Download (or Resume, after a cancel or
// a failure left part of it in the cache) while not installed; during the download a
// progress bar with bytes done of total and speed, and Cancel. Errors stay on the row.
Rectangle {
    id: row
    property var catalog
    readonly property string entryName: model.name
    readonly property int rowIndex: index
    objectName: "catalogRow_" + entryName
    implicitHeight: content.implicitHeight + 16
    radius: Theme.smallRadius
    color: Theme.raised
    border.color: Theme.border

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: 8
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            ColumnLayout {
                spacing: 2
                Layout.fillWidth: true
                Label {
                    text: model.title + "  (" + row.entryName + ")"
                    font.weight: Font.DemiBold
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "catalogDetails_" + row.entryName
                    text: model.details
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
            Label {
                objectName: "catalogInstalled_" + row.entryName
                visible: model.installed
                text: qsTr("Installed")
                color: Theme.success
            }
            ProgressBar {
                objectName: "downloadProgress_" + row.entryName
                visible: model.downloading
                from: 0; to: 1
                indeterminate: model.progress < 0
                value: Math.max(0, model.progress)
                Layout.preferredWidth: 180
            }
            Label {
                objectName: "downloadProgressText_" + row.entryName
                visible: model.downloading
                text: model.progressText
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
                Layout.preferredWidth: 170
            }
            Button {
                objectName: "cancelDownload_" + row.entryName
                visible: model.downloading
                text: qsTr("Cancel")
                onClicked: row.catalog.cancel(row.rowIndex)
            }
            Button {
                objectName: "downloadButton_" + row.entryName
                visible: !model.installed && !model.downloading
                text: model.actionText
                highlighted: true
                onClicked: row.catalog.download(row.rowIndex)
            }
        }
        Label {
            objectName: "downloadStatus_" + row.entryName
            visible: text.length > 0 && model.error.length === 0
            text: model.status
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            objectName: "downloadError_" + row.entryName
            visible: model.error.length > 0
            text: model.error
            color: Theme.danger
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }
}
