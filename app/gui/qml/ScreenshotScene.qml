import QtQuick

// Scenes for `hearth --screenshot FILE` (HEARTH_SCREENSHOT_SCENE picks one). Each sets the
// window up through the same controller calls a user's clicks make, with the real model,
// and sets window.sceneReady when there is something to grab.
//   ""/"window"  the window as it opens
//   "chat"       asks the model for code (uses the open conversation if it has replies)
//   "search"     searches the sidebar for HEARTH_SCREENSHOT_QUERY (default "python")
//   "parameters" the chat with the parameters panel open
//   "models"     the models page (packaging/screenshots.sh prepares comparisons for it)
//   "playground" the example template (resources/playground) on the first 6 rows of its
//                dataset, every installed model a target, results side by side
QtObject {
    id: scene
    property var chat
    property var window
    property var playground
    property string name
    property bool waitingForReply: false

    readonly property string prompt: "Write a Python function that reverses a string, in a code block, and explain it briefly."

    function prepare(sceneName) {
        name = sceneName
        poll.start()
    }

    function step() {
        if (!chat.ready) return
        if (name === "" || name === "window") { finish(); return }
        if (name === "models") { window.modelsVisible = true; finish(); return }
        if (chat.modelState === "loading") return
        if (name === "playground") { startPlayground(); return }
        if (name === "search") {
            window.showSearch(searchQuery)
            settle.start()
            poll.stop()
            return
        }
        if (name === "parameters") window.parametersVisible = true
        if (waitingForReply) return
        if (chat.thread.count > 1) { finish(); return }
        if (chat.modelState !== "ready") { finish(); return }
        waitingForReply = true
        chat.send(prompt)
    }
    property string searchQuery: "python"

    function startPlayground() {
        poll.stop()
        window.playgroundVisible = true
        const dir = playground.exampleDirectory()
        playground.loadTemplate(dir + "/capitals.template.json")
        playground.loadDataset(dir + "/capitals.csv")
        for (let i = 0; i < window.installedModelCount(); ++i)
            playground.addTarget(window.installedModelName(i))
        playground.run(6)
    }
    property Connections playgroundRun: Connections {
        target: scene.playground
        function onRunFinished() { if (scene.name === "playground") scene.finish() }
    }

    function finish() {
        poll.stop()
        settle.start()
    }

    property Timer poll: Timer { interval: 200; repeat: true; onTriggered: scene.step() }
    property Timer settle: Timer { interval: 800; onTriggered: scene.window.sceneReady = true }
    property Connections replies: Connections {
        target: scene.chat
        function onReplyFinished() { if (scene.waitingForReply) scene.finish() }
    }
}
