import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Shown when no model is installed: offers the catalog's default model (name, size,
// licence; one click downloads it), the terminal command, and where models go.
Item {
    id: panel
    property string modelsDirectory
    signal rescan()
    signal downloaded(string modelName)
    objectName: "firstRunPanel"

    ModelDownload {
        id: offer
        objectName: "defaultModelDownload"
        onInstalled: name => panel.downloaded(name)
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 64, 520)
        spacing: 14
        Image {
            source: "qrc:/icons/hearth.svg"
            sourceSize: Qt.size(72, 72)
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            text: qsTr("No model installed yet")
            font.pixelSize: 22
            font.weight: Font.DemiBold
            color: Theme.text
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: Theme.mutedText
            text: qsTr("Hearth runs models on this computer. Download the small default model to start; after that Hearth works offline.")
        }
        Rectangle {
            objectName: "defaultModelOffer"
            visible: offer.available
            Layout.fillWidth: true
            implicitHeight: offerColumn.implicitHeight + 2 * Theme.padding
            radius: Theme.radius
            color: Theme.raised
            border.color: Theme.border
            ColumnLayout {
                id: offerColumn
                anchors.fill: parent
                anchors.margins: Theme.padding
                spacing: Theme.spacing
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            objectName: "offerTitle"
                            text: offer.title
                            font.pixelSize: Theme.titleFontSize
                            font.weight: Font.DemiBold
                            color: Theme.text
                        }
                        Label {
                            objectName: "offerDetails"
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.mutedText
                            text: qsTr("%1 download · licence %2").arg(offer.sizeText).arg(offer.licence)
                        }
                    }
                    BusyIndicator {
                        visible: running
                        running: offer.state === ModelDownload.Downloading
                        implicitWidth: Theme.controlHeight
                        implicitHeight: Theme.controlHeight
                    }
                    Button {
                        objectName: "downloadDefaultModel"
                        text: offer.state === ModelDownload.Failed ? qsTr("Try again") : qsTr("Download")
                        highlighted: true
                        enabled: offer.state !== ModelDownload.Downloading
                                 && offer.state !== ModelDownload.Installed
                        onClicked: offer.start()
                    }
                }
                Label {
                    objectName: "downloadStatus"
                    visible: offer.state === ModelDownload.Downloading
                    Layout.fillWidth: true
                    elide: Text.ElideMiddle
                    color: Theme.faintText
                    font.pixelSize: Theme.smallFontSize
                    text: offer.status
                }
                Label {
                    objectName: "downloadError"
                    visible: offer.state === ModelDownload.Failed
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Theme.danger
                    font.pixelSize: Theme.smallFontSize
                    text: offer.error
                }
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            text: qsTr("Or from a terminal:")
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 44
            radius: Theme.smallRadius
            color: Theme.codeBackground
            border.color: Theme.border
            TextEdit {
                objectName: "pullCommand"
                anchors.centerIn: parent
                text: "hearth models pull " + offer.modelName
                readOnly: true
                selectByMouse: true
                color: Theme.text
                font.family: Theme.monoFamily
                font.pixelSize: Theme.codeFontSize
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            text: qsTr("Or put any .gguf file into %1").arg(panel.modelsDirectory)
        }
        Button {
            objectName: "rescanModels"
            text: qsTr("I have installed a model")
            Layout.alignment: Qt.AlignHCenter
            onClicked: panel.rescan()
        }
    }
}
