import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Progress of the running quantization or comparison, with Cancel; the last status after.
RowLayout {
    id: bar
    property var controller
    visible: controller.busy || controller.statusText.length > 0
    spacing: Theme.spacing
    Label {
        objectName: "modelsStatus"
        text: bar.controller.statusText
        color: Theme.mutedText
        elide: Text.ElideRight
        Layout.fillWidth: true
    }
    ProgressBar {
        objectName: "modelsProgress"
        visible: bar.controller.busy
        from: 0; to: 1
        value: bar.controller.progress
        Layout.preferredWidth: 240
    }
    Button {
        objectName: "cancelJobButton"
        visible: bar.controller.busy
        text: qsTr("Cancel")
        onClicked: bar.controller.cancel()
    }
}
