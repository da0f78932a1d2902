import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The models a run compares: installed local models from the picker, or any address (a
// .gguf path or a remote URL) typed in. Each becomes a column of the results grid.
ColumnLayout {
    id: targets
    property var controller
    spacing: 6

    ModelPickerModel { id: installed }

    Label {
        text: qsTr("Targets (%1)").arg(targets.controller.targets.length)
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }
    RowLayout {
        Layout.fillWidth: true
        ComboBox {
            id: picker
            objectName: "targetPicker"
            Layout.fillWidth: true
            Layout.preferredWidth: 100
            model: installed
            textRole: "title"
            valueRole: "name"
            editable: true
        }
        Button {
            objectName: "addTargetButton"
            text: qsTr("Add")
            onClicked: targets.controller.addTarget(picker.editText.length > 0 && picker.currentIndex < 0
                                                    ? picker.editText : picker.currentValue)
        }
    }
    Repeater {
        model: targets.controller.targets
        delegate: RowLayout {
            required property string modelData
            required property int index
            objectName: "targetRow"
            Layout.fillWidth: true
            Label {
                text: modelData
                elide: Text.ElideMiddle
                color: Theme.text
                Layout.fillWidth: true
            }
            IconButton {
                iconName: "close"
                tip: qsTr("Remove this target")
                enabled: !targets.controller.running
                onClicked: targets.controller.removeTarget(index)
            }
        }
    }
}
