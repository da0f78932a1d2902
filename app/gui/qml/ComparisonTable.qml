import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One row per scored candidate: type, size, perplexity (base → candidate), KL, top-1, speed.
ColumnLayout {
    id: table
    property var comparisons
    spacing: 2
    readonly property var widths: [220, 70, 90, 150, 90, 90, 80, 110]

    component Cell: Label {
        property int column
        Layout.preferredWidth: table.widths[column]
        elide: Text.ElideRight
        color: Theme.text
        font.pixelSize: Theme.smallFontSize
    }
    RowLayout {
        visible: table.comparisons.count > 0
        Repeater {
            model: [qsTr("Candidate"), qsTr("Type"), qsTr("Size"), qsTr("Perplexity (base → q)"),
                    qsTr("Mean KLD"), qsTr("Max KLD"), qsTr("Top-1"), qsTr("Decode tok/s")]
            Cell { column: index; text: modelData; color: Theme.mutedText; font.weight: Font.DemiBold }
        }
    }
    Repeater {
        objectName: "comparisonRows"
        model: table.comparisons
        RowLayout {
            objectName: "comparisonRow_" + model.label
            Cell { column: 0; text: model.label }
            Cell { column: 1; text: model.quantType }
            Cell { column: 2; text: model.sizeText }
            Cell { column: 3; text: model.basePerplexity.toFixed(3) + " → " + model.perplexity.toFixed(3) }
            Cell { column: 4; objectName: "meanKld_" + model.label; text: model.meanKld.toFixed(5) }
            Cell { column: 5; text: model.maxKld.toFixed(4) }
            Cell { column: 6; text: (100 * model.top1).toFixed(1) + " %" }
            Cell { column: 7; text: model.tokensPerS.toFixed(1) }
        }
    }
    Label {
        visible: table.comparisons.count === 0
        text: qsTr("Quantize a model, then compare it with its base to see what the smaller file cost.")
        color: Theme.faintText
    }
}
