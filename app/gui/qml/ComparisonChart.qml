import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Bars per candidate: file size, mean KL divergence and decode speed, each scaled to the
// largest value of its kind, so the trade (smaller and faster vs further from the base)
// reads at a glance.
Item {
    id: chart
    objectName: "comparisonChart"
    property var comparisons
    visible: comparisons.count > 0
    implicitHeight: 180

    // Constant, so the bar repeaters are not rebuilt (mid-layout) when a row arrives.
    readonly property var series: [
        { role: "sizeBytes", label: qsTr("size"), colour: "#5b8def" },
        { role: "meanKld", label: qsTr("mean KLD"), colour: "#e0703c" },
        { role: "tokensPerS", label: qsTr("decode tok/s"), colour: "#4caf7a" }
    ]
    function maxOf(role) {
        return role === "sizeBytes" ? comparisons.maxSize
             : role === "meanKld" ? comparisons.maxKld : comparisons.maxSpeed
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        RowLayout {
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
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 24
            Repeater {
                model: chart.comparisons
                ColumnLayout {
                    id: group
                    property var row: model
                    Layout.fillHeight: true
                    spacing: 2
                    RowLayout {
                        Layout.fillHeight: true
                        spacing: 3
                        Repeater {
                            model: chart.series
                            Rectangle {
                                readonly property real value: group.row[modelData.role]
                                readonly property real max: chart.maxOf(modelData.role)
                                Layout.alignment: Qt.AlignBottom
                                Layout.preferredWidth: 18
                                Layout.preferredHeight: max > 0
                                    ? Math.max(2, (chart.height - 48) * value / max) : 2
                                color: modelData.colour
                                radius: 2
                            }
                        }
                    }
                    Label {
                        text: group.row.quantType
                        color: Theme.text
                        font.pixelSize: Theme.smallFontSize
                        Layout.alignment: Qt.AlignHCenter
                    }
                }
            }
            Item { Layout.fillWidth: true }
        }
    }
}
