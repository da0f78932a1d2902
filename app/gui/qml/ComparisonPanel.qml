import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Pick a base and a quantized candidate, score them; results as a table and a chart.
ColumnLayout {
    id: panel
    property var controller
    spacing: Theme.spacing

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("What quantization cost")
            font.weight: Font.DemiBold
            color: Theme.text
        }
        Item { Layout.fillWidth: true }
        Label { text: qsTr("Base"); color: Theme.mutedText }
        ComboBox {
            id: baseBox
            objectName: "compareBase"
            model: panel.controller.installed
            textRole: "fileName"
            implicitWidth: 220
        }
        Label { text: qsTr("Candidate"); color: Theme.mutedText }
        ComboBox {
            id: candidateBox
            objectName: "compareCandidate"
            model: panel.controller.installed
            textRole: "fileName"
            implicitWidth: 220
        }
        Button {
            objectName: "compareButton"
            text: qsTr("Compare")
            enabled: !panel.controller.busy && baseBox.currentIndex !== candidateBox.currentIndex
            onClicked: panel.controller.compare(baseBox.currentIndex, candidateBox.currentIndex)
        }
    }
    ComparisonTable {
        comparisons: panel.controller.comparisons
        Layout.fillWidth: true
    }
    ComparisonChart {
        comparisons: panel.controller.comparisons
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 200
    }
}
