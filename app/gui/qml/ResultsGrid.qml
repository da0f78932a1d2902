import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Dataset rows down, targets across: the input, then each target's output side by side,
// green when every assertion passed, red when one failed (hover for the figures and why).
ColumnLayout {
    id: grid
    property var controller
    spacing: 0

    readonly property int inputWidth: 200
    function cellColor(verdict) {
        if (verdict === "pass") return Qt.rgba(Theme.success.r, Theme.success.g, Theme.success.b, 0.16)
        if (verdict === "fail" || verdict === "error") return Theme.dangerBackground
        if (verdict === "input") return Theme.raised
        return Theme.surface
    }

    HorizontalHeaderView {
        objectName: "resultsHeader"
        syncView: table
        Layout.fillWidth: true
        clip: true
    }
    TableView {
        id: table
        objectName: "resultsGrid"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: grid.controller.results
        columnSpacing: 1
        rowSpacing: 1
        columnWidthProvider: column => column === 0 ? grid.inputWidth
            : Math.max(220, (table.width - grid.inputWidth) / Math.max(1, table.columns - 1) - 1)
        rowHeightProvider: row => 72
        onWidthChanged: forceLayout()
        ScrollBar.vertical: ScrollBar {}

        delegate: Rectangle {
            id: cell
            required property string display
            required property string verdict
            required property string detail
            required property bool isInput
            objectName: isInput ? "inputCell" : "resultCell"
            color: grid.cellColor(verdict)
            implicitHeight: 72

            Label {
                anchors.fill: parent
                anchors.margins: 6
                text: cell.display.length > 0 ? cell.display
                    : (cell.verdict === "running" ? "…" : "")
                wrapMode: Text.Wrap
                elide: Text.ElideRight
                maximumLineCount: 3
                color: cell.verdict === "error" ? Theme.danger : Theme.text
                font.family: cell.isInput ? Qt.application.font.family : Theme.monoFamily
                font.pixelSize: Theme.smallFontSize
            }
            Label {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 4
                visible: !cell.isInput && (cell.verdict === "pass" || cell.verdict === "fail")
                text: cell.verdict === "pass" ? "✓" : "✗"
                color: cell.verdict === "pass" ? Theme.success : Theme.danger
                font.weight: Font.Bold
            }
            HoverHandler { id: hover }
            ToolTip.visible: hover.hovered && cell.detail.length > 0
            ToolTip.delay: 400
            ToolTip.text: cell.detail
        }
    }
}
