pragma Singleton
import QtQuick

// Colours, sizes and spacing for every view. Dark or light follows the application
// palette (set in app_setup.cpp from the platform or HEARTH_THEME).
QtObject {
    readonly property SystemPalette palette: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: palette.window.hslLightness < 0.5

    // Surfaces
    readonly property color window: palette.window
    readonly property color sidebar: dark ? "#181716" : "#f1ede8"
    readonly property color surface: palette.base
    readonly property color raised: dark ? "#2c2927" : "#f6f3ef"
    readonly property color userBubble: dark ? "#33302c" : "#efe9e2"
    readonly property color codeBackground: dark ? "#151413" : "#f7f5f2"
    readonly property color codeHeader: dark ? "#211f1d" : "#ebe6e0"
    readonly property color hover: dark ? "#2a2826" : "#e9e4de"
    readonly property color selected: dark ? "#34302c" : "#e2dcd4"
    readonly property color border: dark ? "#3a3633" : "#ddd6ce"

    // Text
    readonly property color text: palette.text
    readonly property color mutedText: dark ? "#a39c95" : "#6f6861"
    readonly property color faintText: dark ? "#77716b" : "#9a938c"
    readonly property color accent: palette.highlight
    readonly property color accentText: "#ffffff"
    readonly property color danger: dark ? "#ef7a6d" : "#b3261e"
    readonly property color dangerBackground: dark ? "#3b2220" : "#fbe9e7"
    readonly property color warning: dark ? "#e6b450" : "#8a5a00"
    readonly property color success: dark ? "#7cc48a" : "#2e7d32"

    // Type
    readonly property string monoFamily: "DejaVu Sans Mono"
    readonly property int fontSize: 14
    readonly property int smallFontSize: 12
    readonly property int titleFontSize: 16
    readonly property int codeFontSize: 13

    // Geometry
    readonly property int spacing: 8
    readonly property int padding: 16
    readonly property int radius: 10
    readonly property int smallRadius: 6
    readonly property int sidebarWidth: 272
    readonly property int parametersWidth: 300
    readonly property int messageMaxWidth: 760
    readonly property int iconSize: 18
    readonly property int controlHeight: 34
}
