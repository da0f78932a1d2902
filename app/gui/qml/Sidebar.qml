import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Conversations grouped by date (pinned first), a search field (Ctrl+K) whose results
// replace the list while there is a query, and "New chat" (Ctrl+N).
Rectangle {
    id: sidebar
    property var chat
    signal playgroundRequested()
    signal modelsRequested()
    function focusSearch() { searchField.forceActiveFocus(); searchField.selectAll() }
    function showSearch(text) { searchField.text = text; chat.search(text) }

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Image {
                source: "qrc:/icons/hearth.svg"
                sourceSize: Qt.size(26, 26)
                Layout.preferredWidth: 26
                Layout.preferredHeight: 26
            }
            Label {
                text: "Hearth"
                font.pixelSize: Theme.titleFontSize
                font.weight: Font.DemiBold
                color: Theme.text
                Layout.fillWidth: true
            }
            IconButton {
                objectName: "playgroundButton"
                iconName: "play"
                tip: qsTr("Prompt playground")
                onClicked: sidebar.playgroundRequested()
            }
            IconButton {
                objectName: "modelsButton"
                iconName: "sliders"
                tip: qsTr("Models (Ctrl+M)")
                onClicked: sidebar.modelsRequested()
            }
            IconButton {
                objectName: "newChatButton"
                iconName: "plus"
                tip: qsTr("New chat (Ctrl+N)")
                onClicked: sidebar.chat.newConversation()
            }
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats  (Ctrl+K)")
            Accessible.name: qsTr("Search conversations")
            leftPadding: 34
            implicitHeight: Theme.controlHeight
            color: Theme.text
            background: Rectangle {
                radius: Theme.smallRadius
                color: Theme.surface
                border.color: searchField.activeFocus ? Theme.accent : Theme.border
                border.width: searchField.activeFocus ? 2 : 1
                Image {
                    source: "qrc:/icons/search.svg"
                    sourceSize: Qt.size(16, 16)
                    anchors.verticalCenter: parent.verticalCenter
                    x: 11
                    opacity: 0.55
                }
            }
            onTextChanged: searchDelay.restart()
            Keys.onEscapePressed: text = ""
            Keys.onDownPressed: resultsView.forceActiveFocus()
            Timer {
                id: searchDelay
                interval: 150
                onTriggered: sidebar.chat.search(searchField.text)
            }
        }

        ListView {
            id: conversationsView
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: searchField.text.length === 0
            clip: true
            model: sidebar.chat.conversations
            spacing: 2
            keyNavigationEnabled: true
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Conversations")
            section.property: "section"
            section.delegate: Label {
                required property string section
                text: section
                width: ListView.view.width
                topPadding: 14
                bottomPadding: 4
                leftPadding: 8
                font.pixelSize: Theme.smallFontSize
                font.weight: Font.DemiBold
                color: Theme.faintText
            }
            delegate: ConversationDelegate {
                width: ListView.view.width
                chat: sidebar.chat
                current: model.id === sidebar.chat.conversationId
            }
            Keys.onReturnPressed: if (currentItem) sidebar.chat.openConversation(currentItem.conversationId)
            ScrollBar.vertical: ScrollBar {}
        }

        ListView {
            id: resultsView
            objectName: "searchResults"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !conversationsView.visible
            clip: true
            spacing: 4
            model: sidebar.chat.searchResults
            keyNavigationEnabled: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Search results")
            delegate: SearchResultDelegate {
                width: ListView.view.width
                onActivated: sidebar.chat.openSearchHit(conversationId, messageId)
            }
            Label {
                anchors.centerIn: parent
                visible: resultsView.count === 0
                text: qsTr("No matches")
                color: Theme.faintText
            }
        }
    }
}
