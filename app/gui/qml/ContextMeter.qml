import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Tokens of the context window used by the conversation so far (last reply's prompt +
// completion) as a thin bar with "1.2k / 4k".
RowLayout {
    id: meter
    property int used
    property int size
    readonly property real fraction: size > 0 ? Math.min(1, used / size) : 0
    function k(n) { return n >= 1000 ? (n / 1000).toFixed(n >= 10000 ? 0 : 1) + "k" : "" + n }

    objectName: "contextMeter"
    visible: size > 0
    spacing: 6
    Accessible.name: qsTr("Context used: %1 of %2 tokens").arg(used).arg(size)
    Rectangle {
        implicitWidth: 64
        implicitHeight: 6
        radius: 3
        color: Theme.hover
        Rectangle {
            width: parent.width * meter.fraction
            height: parent.height
            radius: 3
            color: meter.fraction > 0.9 ? Theme.danger : (meter.fraction > 0.7 ? Theme.warning : Theme.accent)
        }
    }
    Label {
        objectName: "contextLabel"
        text: meter.k(meter.used) + " / " + meter.k(meter.size)
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }
}
