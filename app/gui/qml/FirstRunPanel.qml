import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Shown when no model is installed: how to get the default one, where models go.
Item {
    id: panel
    property string modelsDirectory
    signal rescan()
    objectName: "firstRunPanel"

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
            text: qsTr("Hearth runs models on this computer. Download the small default model (about 100 MB) from a terminal:")
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
                text: "hearth models pull smollm2-135m-instruct"
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
