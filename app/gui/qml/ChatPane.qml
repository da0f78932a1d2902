import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The open conversation: a header (title, model picker, context usage, parameters toggle),
// the messages, and the composer. The view follows a streaming reply until the user
// scrolls up; scrolling back to the bottom resumes following.
Item {
    id: pane
    property var chat
    property var models
    property bool parametersVisible
    signal toggleParameters()

    function focusComposer() { composer.forceActiveFocus() }
    function showMessage(row) {
        follow = false
        messages.positionViewAtIndex(row, ListView.Beginning)
        messages.currentIndex = row
    }
    property bool follow: true

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 52
            color: Theme.window
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.padding
                anchors.rightMargin: 10
                spacing: 10
                Label {
                    objectName: "conversationTitle"
                    text: pane.chat.conversationTitle.length > 0 ? pane.chat.conversationTitle
                                                                 : qsTr("New chat")
                    font.pixelSize: Theme.titleFontSize
                    font.weight: Font.DemiBold
                    color: Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                ContextMeter {
                    used: pane.chat.contextUsed
                    size: pane.chat.contextSize
                }
                Label {
                    objectName: "conversationCost"
                    visible: pane.chat.conversationCost > 0
                    text: pane.chat.conversationCostText
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    ToolTip.visible: costHover.hovered
                    ToolTip.text: qsTr("Estimated cost of this conversation")
                    HoverHandler { id: costHover }
                }
                ComboBox {
                    id: modelPicker
                    objectName: "modelPicker"
                    model: pane.models
                    textRole: "label"
                    valueRole: "name"
                    implicitWidth: 250
                    implicitHeight: Theme.controlHeight
                    Accessible.name: qsTr("Model")
                    currentIndex: pane.models.indexOf(pane.chat.modelName)
                    onActivated: index => pane.chat.modelName = pane.models.nameAt(index)
                    delegate: ItemDelegate {
                        required property string label
                        required property string quant
                        required property string sizeText
                        required property int index
                        width: ListView.view.width
                        highlighted: modelPicker.highlightedIndex === index
                        contentItem: RowLayout {
                            Label { text: label; color: Theme.text; Layout.fillWidth: true; elide: Text.ElideRight }
                            Label { text: quant + " · " + sizeText; color: Theme.faintText; font.pixelSize: Theme.smallFontSize }
                        }
                    }
                }
                IconButton {
                    objectName: "addEndpointButton"
                    iconName: "plus"
                    tip: qsTr("Add a remote endpoint")
                    onClicked: endpointEditor.open()
                }
                IconButton {
                    objectName: "parametersToggle"
                    iconName: "sliders"
                    tip: qsTr("Parameters (Ctrl+Shift+P)")
                    checkable: true
                    checked: pane.parametersVisible
                    onClicked: pane.toggleParameters()
                }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        }

        ListView {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pane.chat.thread
            spacing: 6
            topMargin: 20
            bottomMargin: 20
            activeFocusOnTab: true
            keyNavigationEnabled: true
            currentIndex: -1
            highlightFollowsCurrentItem: false
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Messages")
            boundsBehavior: Flickable.StopAtBounds
            reuseItems: false
            delegate: MessageDelegate {
                width: messages.width
                chat: pane.chat
                isLast: index === messages.count - 1
            }
            ScrollBar.vertical: ScrollBar { id: scrollBar }

            function atBottom() { return contentHeight <= height || contentY + height >= contentHeight + bottomMargin - 40 }
            onMovementStarted: pane.follow = false
            onMovementEnded: pane.follow = atBottom()
            onContentHeightChanged: if (pane.follow) Qt.callLater(positionViewAtEnd)
            onCountChanged: if (pane.follow) Qt.callLater(positionViewAtEnd)
            Connections {
                target: scrollBar
                function onPressedChanged() {
                    if (scrollBar.pressed) pane.follow = false
                    else pane.follow = messages.atBottom()
                }
            }
            Connections {
                target: pane.chat
                function onConversationChanged() { pane.follow = true }
            }

            Label {
                anchors.centerIn: parent
                visible: messages.count === 0
                width: Math.min(parent.width - 80, 460)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: pane.chat.modelState === "ready" || pane.chat.modelState === "loading"
                      ? qsTr("Ask anything. Your conversations stay on this computer.")
                      : qsTr("Pick a model to start.")
                color: Theme.faintText
                font.pixelSize: Theme.titleFontSize
            }
        }

        RoundButton {
            id: jumpDown
            objectName: "jumpToBottom"
            visible: !pane.follow && messages.count > 0
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: -48
            z: 2
            icon.source: "qrc:/icons/send.svg"
            icon.color: Theme.text
            rotation: 180
            Accessible.name: qsTr("Scroll to the latest message")
            onClicked: { pane.follow = true; messages.positionViewAtEnd() }
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.messageMaxWidth + 2 * Theme.padding
            Layout.alignment: Qt.AlignHCenter
            chat: pane.chat
            onSent: pane.follow = true
        }
    }

    EndpointEditor {
        id: endpointEditor
        chat: pane.chat
    }
}
