import QtQuick
import QtQuick.Controls

// A flat, tinted icon button with a tooltip; the tooltip text doubles as the accessible name.
ToolButton {
    id: control
    property string iconName
    property string tip
    property color tint: Theme.mutedText

    icon.source: iconName ? "qrc:/icons/" + iconName + ".svg" : ""
    icon.width: Theme.iconSize
    icon.height: Theme.iconSize
    icon.color: control.hovered || control.activeFocus ? Theme.text : tint
    implicitWidth: 32
    implicitHeight: 32
    focusPolicy: Qt.StrongFocus
    Accessible.name: tip
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.delay: 600
    ToolTip.text: tip
    background: Rectangle {
        radius: Theme.smallRadius
        color: control.down ? Theme.selected : (control.hovered ? Theme.hover : "transparent")
        border.width: control.visualFocus ? 2 : 0
        border.color: Theme.accent
    }
}
