import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The prompt playground: the template, targets and dataset on the left; the run bar, the
// results grid (rows x targets, side by side) and the per-target summary on the right.
Rectangle {
    id: page
    objectName: "playgroundPage"
    property alias controller: ctl
    signal closeRequested()
    color: Theme.window

    PlaygroundController {
        id: ctl
        objectName: "playgroundController"
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        PlaygroundEditor {
            controller: ctl
            Layout.preferredWidth: 380
            Layout.fillHeight: true
            onCloseRequested: page.closeRequested()
        }
        Rectangle { Layout.fillHeight: true; width: 1; color: Theme.border }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: Theme.padding
            spacing: Theme.spacing

            PlaygroundRunBar {
                controller: ctl
                Layout.fillWidth: true
            }
            ResultsGrid {
                controller: ctl
                Layout.fillWidth: true
                Layout.fillHeight: true
            }
            RunSummary {
                controller: ctl
                Layout.fillWidth: true
            }
        }
    }
}
