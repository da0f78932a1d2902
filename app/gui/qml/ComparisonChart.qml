import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Bars per candidate: file size, mean KL divergence and decode speed, each as a percentage
// of the largest value of its kind (sizes and speeds count the base's too), so the trade
// (smaller and faster vs further from the base) reads at a glance. All bars stand on one
// zero line; the y axis is labelled in percent, the x axis names each candidate file with
// its quantization type.
Item {
    id: chart
    objectName: "comparisonChart"
    property var comparisons
    visible: comparisons.count > 0
    implicitHeight: 240

    // Constant, so the bar repeaters are not rebuilt (mid-layout) when a row arrives.
    readonly property var series: [
        { role: "sizeBytes", label: qsTr("file size"), colour: "#5b8def" },
        { role: "meanKld", label: qsTr("mean KL divergence"), colour: "#e0703c" },
        { role: "tokensPerS", label: qsTr("decode tokens/s"), colour: "#4caf7a" }
    ]
    readonly property int barWidth: 18
    readonly property int barGap: 3
    readonly property int groupWidth: series.length * (barWidth + barGap) - barGap
    readonly property int groupPitch: groupWidth + 72
    // The candidates share the plot's width, each group centred in its slot; with many of
    // them the slots shrink no further than one pitch.
    readonly property real slotWidth: Math.max(groupPitch,
                                               (plot.width - 16) / Math.max(1, comparisons.count))
    function maxOf(role) {
        return role === "sizeBytes" ? comparisons.maxSize
             : role === "meanKld" ? comparisons.maxKld : comparisons.maxSpeed
    }

    Row {
        id: legend
        spacing: 16
        Repeater {
            model: chart.series
            Row {
                spacing: 4
                Rectangle { width: 10; height: 10; color: modelData.colour; anchors.verticalCenter: parent.verticalCenter }
                Label { text: modelData.label; color: Theme.mutedText; font.pixelSize: Theme.smallFontSize }
            }
        }
    }

    Label {
        id: yTitle
        objectName: "chartYAxisTitle"
        text: qsTr("% of the largest")
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        rotation: -90
        transformOrigin: Item.Center
        x: -width / 2 + height / 2
        y: plot.y + plot.height / 2 - height / 2
    }

    // The plot area: gridlines at 0, 25, 50, 75 and 100 %, the zero line drawn strongest.
    Item {
        id: plot
        objectName: "chartPlot"
        x: yTitle.height + 36
        y: legend.height + 12
        width: chart.width - x
        height: Math.max(40, chart.height - y - xLabels.height - xTitle.height - 10)

        Repeater {
            model: [0, 25, 50, 75, 100]
            Item {
                y: plot.height * (1 - modelData / 100)
                width: plot.width
                Rectangle {
                    width: parent.width
                    height: 1
                    color: modelData === 0 ? Theme.mutedText : Theme.border
                }
                Label {
                    text: modelData + " %"
                    color: Theme.faintText
                    font.pixelSize: Theme.smallFontSize - 1
                    x: -width - 6
                    y: -height / 2
                }
            }
        }

        Repeater {
            model: chart.comparisons
            Item {
                id: group
                property var row: model
                objectName: "chartGroup_" + model.quantType
                x: 16 + index * chart.slotWidth + (chart.slotWidth - chart.groupWidth) / 2
                width: chart.groupWidth
                height: plot.height
                Repeater {
                    model: chart.series
                    Rectangle {
                        readonly property real value: group.row[modelData.role]
                        readonly property real max: chart.maxOf(modelData.role)
                        objectName: "chartBar_" + modelData.role
                        x: index * (chart.barWidth + chart.barGap)
                        width: chart.barWidth
                        height: max > 0 ? Math.max(1, plot.height * value / max) : 0
                        y: plot.height - height  // every bar stands on the zero line
                        color: modelData.colour
                    }
                }
                Column {
                    anchors.horizontalCenter: parent.horizontalCenter
                    y: plot.height + 4
                    Label {
                        text: group.row.label.replace(/\.gguf$/, "")
                        color: Theme.text
                        font.pixelSize: Theme.smallFontSize
                        anchors.horizontalCenter: parent.horizontalCenter
                    }
                    Label {
                        text: group.row.quantType
                        color: Theme.mutedText
                        font.pixelSize: Theme.smallFontSize - 1
                        anchors.horizontalCenter: parent.horizontalCenter
                    }
                }
            }
        }
    }

    Item {  // room for the two lines of candidate labels under the zero line
        id: xLabels
        height: 2 * Theme.smallFontSize + 12
    }
    Label {
        id: xTitle
        objectName: "chartXAxisTitle"
        text: qsTr("candidate (file, dominant quantization type)")
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        x: plot.x + (plot.width - width) / 2
        y: plot.y + plot.height + xLabels.height
    }
}
