import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Generation parameters of the open conversation (saved with it): system prompt, preset,
// sampling, limits, context size and device.
Rectangle {
    id: panel
    property var parameters
    signal closeRequested()

    objectName: "parametersPanel"
    color: Theme.sidebar

    component Caption: Label {
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        font.weight: Font.DemiBold
        Layout.topMargin: 6
    }
    component SliderRow: ColumnLayout {
        id: sliderRow
        property string label
        property real from
        property real to
        property real step
        property real value
        property int decimals: 2
        signal moved(real value)
        spacing: 0
        Layout.fillWidth: true
        RowLayout {
            Layout.fillWidth: true
            Caption { text: sliderRow.label; Layout.fillWidth: true }
            Label {
                text: sliderRow.value.toFixed(sliderRow.decimals)
                color: Theme.text
                font.family: Theme.monoFamily
                font.pixelSize: Theme.smallFontSize
                Layout.topMargin: 6
            }
        }
        Slider {
            objectName: "slider_" + sliderRow.label
            Layout.fillWidth: true
            from: sliderRow.from
            to: sliderRow.to
            stepSize: sliderRow.step
            value: sliderRow.value
            Accessible.name: sliderRow.label
            onMoved: sliderRow.moved(value)
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: panel.width - 32
            x: 16
            spacing: 6

            RowLayout {
                Layout.fillWidth: true
                Layout.topMargin: 12
                Label {
                    text: qsTr("Parameters")
                    font.pixelSize: Theme.titleFontSize
                    font.weight: Font.DemiBold
                    color: Theme.text
                    Layout.fillWidth: true
                }
                IconButton {
                    objectName: "closeParameters"
                    iconName: "close"
                    tip: qsTr("Close parameters")
                    onClicked: panel.closeRequested()
                }
            }

            Caption { text: qsTr("System prompt") }
            TextArea {
                objectName: "systemPromptInput"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(84, implicitHeight)
                wrapMode: TextEdit.Wrap
                placeholderText: qsTr("You are a helpful assistant.")
                Accessible.name: qsTr("System prompt")
                text: panel.parameters.systemPrompt
                color: Theme.text
                onEditingFinished: panel.parameters.systemPrompt = text
                background: Rectangle {
                    radius: Theme.smallRadius
                    color: Theme.surface
                    border.color: parent.activeFocus ? Theme.accent : Theme.border
                }
            }

            Caption { text: qsTr("Preset") }
            ComboBox {
                objectName: "presetPicker"
                Layout.fillWidth: true
                model: panel.parameters.presets
                Accessible.name: qsTr("Preset")
                displayText: panel.parameters.preset.length > 0 ? panel.parameters.preset : qsTr("Custom")
                currentIndex: panel.parameters.presets.indexOf(panel.parameters.preset)
                onActivated: index => panel.parameters.applyPreset(panel.parameters.presets[index])
            }

            SliderRow {
                label: qsTr("Temperature"); from: 0; to: 2; step: 0.05
                value: panel.parameters.temperature
                onMoved: v => panel.parameters.temperature = v
            }
            SliderRow {
                label: qsTr("Top-p"); from: 0; to: 1; step: 0.01
                value: panel.parameters.topP
                onMoved: v => panel.parameters.topP = v
            }
            SliderRow {
                label: qsTr("Min-p"); from: 0; to: 1; step: 0.01
                value: panel.parameters.minP
                onMoved: v => panel.parameters.minP = v
            }
            SliderRow {
                label: qsTr("Top-k"); from: 0; to: 200; step: 1; decimals: 0
                value: panel.parameters.topK
                onMoved: v => panel.parameters.topK = Math.round(v)
            }

            GridLayout {
                columns: 2
                columnSpacing: 10
                rowSpacing: 4
                Layout.fillWidth: true
                Caption { text: qsTr("Max tokens") }
                Caption { text: qsTr("Seed (-1 random)") }
                SpinBox {
                    objectName: "maxTokensInput"
                    Layout.fillWidth: true
                    from: 1; to: 32768; editable: true
                    value: panel.parameters.maxTokens
                    Accessible.name: qsTr("Max tokens")
                    onValueModified: panel.parameters.maxTokens = value
                }
                SpinBox {
                    objectName: "seedInput"
                    Layout.fillWidth: true
                    from: -1; to: 2147483647; editable: true
                    value: panel.parameters.seed
                    Accessible.name: qsTr("Seed")
                    onValueModified: panel.parameters.seed = value
                }
                Caption { text: qsTr("Context size (0 auto)") }
                Caption { text: qsTr("Device") }
                SpinBox {
                    objectName: "contextSizeInput"
                    Layout.fillWidth: true
                    from: 0; to: 131072; stepSize: 512; editable: true
                    value: panel.parameters.contextSize
                    Accessible.name: qsTr("Context size")
                    onValueModified: panel.parameters.contextSize = value
                }
                ComboBox {
                    objectName: "devicePicker"
                    Layout.fillWidth: true
                    model: panel.parameters.devices
                    displayText: currentText.toUpperCase()
                    Accessible.name: qsTr("Device")
                    currentIndex: panel.parameters.devices.indexOf(panel.parameters.device)
                    onActivated: index => panel.parameters.device = panel.parameters.devices[index]
                }
            }
            Label {
                Layout.fillWidth: true
                Layout.topMargin: 8
                wrapMode: Text.Wrap
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                text: qsTr("Saved with this conversation. Context size applies to the next reply.")
            }
            Button {
                objectName: "resetParameters"
                text: qsTr("Reset to defaults")
                flat: true
                onClicked: panel.parameters.resetToDefaults()
            }
        }
    }
}
