import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Run / Stop, the progress bar with its ETA, the template version and any error.
ColumnLayout {
    id: bar
    property var controller
    spacing: 6

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing
        Button {
            objectName: "playgroundRunButton"
            text: qsTr("Run")
            highlighted: true
            enabled: !bar.controller.running
            onClicked: bar.controller.run(0)
        }
        Button {
            objectName: "playgroundStopButton"
            text: qsTr("Stop")
            enabled: bar.controller.running
            onClicked: bar.controller.cancel()
        }
        ProgressBar {
            objectName: "playgroundProgress"
            Layout.fillWidth: true
            value: bar.controller.progress
        }
        Label {
            objectName: "playgroundProgressText"
            text: bar.controller.progressText
            color: Theme.mutedText
        }
    }
    // The last run's results as a file: .jsonl gives JSONL, any other name CSV.
    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing
        TextField {
            id: exportField
            objectName: "exportPathField"
            Layout.fillWidth: true
            placeholderText: qsTr("results.csv or results.jsonl")
            onAccepted: bar.controller.exportResults(text)
        }
        Button {
            objectName: "exportResultsButton"
            text: qsTr("Export results")
            enabled: !bar.controller.running && bar.controller.versionText.length > 0
                     && exportField.text.length > 0
            onClicked: bar.controller.exportResults(exportField.text)
        }
        Button {
            objectName: "markBaselineButton"
            text: qsTr("Mark as baseline")
            enabled: !bar.controller.running && bar.controller.versionText.length > 0
            onClicked: bar.controller.markBaseline()
        }
    }
    // The baseline, and after each run its pass → fail cells.
    Label {
        objectName: "compareText"
        Layout.fillWidth: true
        text: bar.controller.compareText
        color: Theme.mutedText
        wrapMode: Text.Wrap
        visible: text.length > 0
    }
    Label {
        objectName: "exportInfo"
        text: bar.controller.exportText
        color: Theme.mutedText
        visible: text.length > 0
    }
    Label {
        text: bar.controller.versionText
        color: Theme.faintText
        font.pixelSize: Theme.smallFontSize
        visible: text.length > 0
    }
    Label {
        objectName: "playgroundError"
        Layout.fillWidth: true
        visible: text.length > 0
        text: bar.controller.errorText
        color: Theme.danger
        wrapMode: Text.Wrap
        MouseArea { anchors.fill: parent; onClicked: bar.controller.dismissError() }
    }
}
