import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One line per target: pass rate, mean and p95 latency, tokens/s, cost, cost per passed row.
ColumnLayout {
    id: summary
    property var controller
    spacing: 2
    visible: repeater.count > 0

    readonly property var headers: [qsTr("target"), qsTr("passed"), qsTr("mean"), qsTr("p95"),
                                     qsTr("tok/s"), qsTr("cost"), qsTr("cost / pass")]
    readonly property var widths: [220, 110, 80, 80, 70, 80, 90]

    Label {
        text: qsTr("Summary")
        font.weight: Font.DemiBold
        color: Theme.text
    }
    Row {
        spacing: Theme.spacing
        Repeater {
            model: summary.headers
            Label {
                required property string modelData
                required property int index
                width: summary.widths[index]
                text: modelData
                color: Theme.mutedText
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
    Repeater {
        id: repeater
        model: summary.controller.summary
        delegate: Row {
            required property string target
            required property string passRate
            required property string meanLatency
            required property string p95Latency
            required property string tokensPerS
            required property string cost
            required property string costPerPassed
            objectName: "summaryRow"
            spacing: Theme.spacing
            Repeater {
                model: [target, passRate, meanLatency, p95Latency, tokensPerS, cost, costPerPassed]
                Label {
                    required property string modelData
                    required property int index
                    width: summary.widths[index]
                    text: modelData
                    elide: Text.ElideMiddle
                    color: Theme.text
                }
            }
        }
    }
}
