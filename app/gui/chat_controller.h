#pragma once
// ChatController: the chat window's facade (GUI thread). QML shows, this decides: it owns
// the Store, the sidebar and thread models, the parameters, and the local target of the
// selected model, and turns user actions into store requests and generation jobs.
//
// One message's journey: send() -> store appends the user message -> store starts a
// Streaming reply -> a job starts on the target -> pieces are buffered here and flushed
// into the thread model at most every kFlushMs (so a fast model cannot flood the GUI
// thread) and handed to the store, which batches them to disk -> finish: stats and finish
// reason saved, the row updated with the stored record.
//
// Conversation deletion is soft for kUndoMs: the conversation is archived (hidden) and
// deleted for good when the undo window closes or another deletion starts.
#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

#include "core/remote/cost.h"
#include "core/remote/pii_scrubber.h"
#include "core/store/conversation_list_model.h"
#include "core/store/message_thread_model.h"
#include "core/store/store.h"
#include "core/target/target.h"
#include "gui/generation_parameters.h"
#include "gui/search_results_model.h"

namespace hearth::local {
class LocalTarget;
}

namespace hearth::gui {

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(QAbstractItemModel* thread READ thread CONSTANT)
    Q_PROPERTY(QAbstractItemModel* searchResults READ searchResults CONSTANT)
    Q_PROPERTY(hearth::gui::GenerationParameters* parameters READ parameters CONSTANT)
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString conversationTitle READ conversationTitle NOTIFY conversationChanged)
    Q_PROPERTY(QString modelName READ modelName WRITE setModelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelDisplayName READ modelDisplayName NOTIFY modelChanged)
    // "none" (no model chosen), "loading", "ready", "failed"
    Q_PROPERTY(QString modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(double modelProgress READ modelProgress NOTIFY modelProgressChanged)
    Q_PROPERTY(QString modelError READ modelError NOTIFY modelChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY deviceChanged)
    // Non-empty when the model computes on the CPU although a GPU was asked for or chosen.
    Q_PROPERTY(QString deviceNote READ deviceNote NOTIFY deviceChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextChanged)
    Q_PROPERTY(int contextSize READ contextSize NOTIFY contextChanged)
    Q_PROPERTY(QString pendingDeleteTitle READ pendingDeleteTitle NOTIFY pendingDeleteChanged)
    Q_PROPERTY(QString databasePath READ databasePath NOTIFY readyChanged)
    // Remote endpoints (chat_remote.cpp): the saved ones, for the model picker; whether the
    // selected target is remote; the open conversation's summed cost.
    Q_PROPERTY(QVariantList endpoints READ endpoints NOTIFY endpointsChanged)
    Q_PROPERTY(bool remote READ isRemote NOTIFY modelChanged)
    Q_PROPERTY(double conversationCost READ conversationCost NOTIFY costChanged)
    Q_PROPERTY(QString conversationCostText READ conversationCostText NOTIFY costChanged)
public:
    explicit ChatController(QObject* parent = nullptr);
    ~ChatController() override;

    QAbstractItemModel* conversations() { return &conversations_; }
    QAbstractItemModel* thread() { return &thread_; }
    QAbstractItemModel* searchResults() { return &searchResults_; }
    GenerationParameters* parameters() { return &parameters_; }
    store::MessageThreadModel& threadModel() { return thread_; }
    store::ConversationListModel& conversationModel() { return conversations_; }
    store::Store& store() { return store_; }

    bool ready() const { return ready_; }
    qint64 conversationId() const { return conversationId_; }
    QString conversationTitle() const { return conversationTitle_; }
    QString modelName() const { return modelName_; }
    QString modelDisplayName() const;
    QString modelState() const;
    double modelProgress() const;
    QString modelError() const;
    QString deviceName() const;
    QString deviceNote() const;
    bool generating() const { return starting_ || bool(job_); }
    int contextUsed() const { return contextUsed_; }
    int contextSize() const;
    QString pendingDeleteTitle() const { return pendingDelete_.title; }
    QString databasePath() const { return store_.path(); }

    // Selects the model for the open conversation (saved as its default target) and for
    // new ones; loads it if it is not the loaded one.
    void setModelName(const QString& name);

    // ---- conversations ----
    Q_INVOKABLE void newConversation();  // clears the view; created on first send
    Q_INVOKABLE void openConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void togglePinned(qint64 id);
    Q_INVOKABLE void deleteConversation(qint64 id);  // undoable for kUndoMs
    Q_INVOKABLE void undoDelete();
    Q_INVOKABLE void search(const QString& query);
    // Opens the conversation on the branch that holds messageId; focusMessage(row) follows.
    Q_INVOKABLE void openSearchHit(qint64 conversationId, qint64 messageId);

    // ---- messages ----
    Q_INVOKABLE bool send(const QString& text);  // false when empty, busy or no model
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();                     // new sibling of the last assistant reply
    Q_INVOKABLE void continueReply(qint64 messageId);  // resumes an interrupted reply
    Q_INVOKABLE void editMessage(qint64 messageId, const QString& text);  // new branch
    Q_INVOKABLE void switchSibling(qint64 messageId, int step);           // -1 / +1
    Q_INVOKABLE void deleteMessage(qint64 messageId);

    // ---- remote endpoints (chat_remote.cpp) ----
    QVariantList endpoints() const;
    bool isRemote() const;
    double conversationCost() const { return conversationCost_; }
    QString conversationCostText() const { return remote::formatCost(conversationCost_); }
    // The address an endpoint form describes: keys kind ("openai" | "sagemaker"), url, model,
    // name (SageMaker endpoint), region, format. Empty when incomplete.
    Q_INVOKABLE QString endpointAddress(const QVariantMap& fields) const;
    // Saves the endpoint (keys above plus title, priceIn, priceOut, priceHour, scrubPii) and
    // selects it for the conversation; returns its address, or "" with errorText set.
    Q_INVOKABLE QString addEndpoint(const QVariantMap& fields);
    // What `text` would look like on the wire with scrubbing on (fresh placeholders).
    Q_INVOKABLE QString previewScrub(const QString& text) const;

    // ---- helpers for the view ----
    Q_INVOKABLE QVariantList messageBlocks(const QString& content) const;
    Q_INVOKABLE void copyToClipboard(const QString& text) const;
    Q_INVOKABLE void dismissError() { setError({}); }
    // A damaged, foreign or too-new database is never touched; the user picks one of these.
    Q_PROPERTY(bool databaseChoicePending READ databaseChoicePending NOTIFY errorChanged)
    bool databaseChoicePending() const { return databaseChoicePending_; }
    Q_INVOKABLE void openDatabaseReadOnly();
    Q_INVOKABLE void startFreshDatabase();
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)
    QString errorText() const { return error_; }

    static constexpr int kFlushMs = 33;
    static constexpr int kUndoMs = 6000;

Q_SIGNALS:
    void deviceChanged();
    void readyChanged();
    void conversationChanged();
    void modelChanged();
    void modelProgressChanged();
    void generatingChanged();
    void contextChanged();
    void pendingDeleteChanged();
    void errorChanged();
    void endpointsChanged();
    void costChanged();
    void focusMessage(int row);
    // A reply finished (any reason); `finish` is the store's finish-reason name.
    void replyFinished(qint64 messageId, const QString& finish);

private:
    struct PendingDelete {
        qint64 id = 0;
        QString title;
    };
    struct Stream {
        store::Store::ReplyTicket ticket = 0;
        qint64 conversationId = 0;
        qint64 messageId = 0;
        QString pending;  // pieces not yet in the thread model
    };

    void onStoreOpened();
    void loadConversation(qint64 id, qint64 focusMessageId = 0);
    void showBranch(const QVector<store::BranchMessage>& branch, qint64 focusMessageId = 0);
    void setConversation(const store::ConversationRecord& record);
    void commitPendingDelete();
    void saveParameters();
    void ensureTarget();
    void setError(const QString& message);
    QString databaseFile() const;
    void setStarting(bool starting);
    void appendUserMessage(const QString& text);

    // chat_generation.cpp
    void startReply(qint64 parentId, const QString& prefix, bool reloadBranch);
    void startJob(const store::MessageRecord& reply, const QString& prefix);
    GenerationRequest buildRequest(const QString& prefix) const;
    void flushPieces();
    void finishStream(const GenerationStats& stats);
    void updateContextUsage(const store::MessageRecord& record);

    // chat_remote.cpp
    Target* activeTarget() const;  // the remote target when one is selected, else the local
    bool ensureRemoteTarget();     // true when modelName_ is a remote address (handled)
    const store::EndpointRecord* currentEndpoint() const;
    void loadEndpoints();
    void refreshCost();
    // Scrubs the request for the current endpoint (when it asks for it) and remembers what
    // was sent; pieces of the reply then go through restorePiece().
    GenerationRequest prepareRemoteRequest(GenerationRequest request);
    QString restorePiece(const QString& piece);
    QString finishRestore();
    void recordRemoteReply(qint64 messageId, const GenerationStats& stats,
                           store::MessageStats* messageStats);

    store::Store store_;
    store::ConversationListModel conversations_;
    store::MessageThreadModel thread_;
    SearchResultsModel searchResults_;
    GenerationParameters parameters_;

    bool ready_ = false;
    qint64 conversationId_ = 0;
    QString conversationTitle_;
    QString modelName_;
    std::unique_ptr<local::LocalTarget> target_;
    std::unique_ptr<Target> remoteTarget_;
    QVector<store::EndpointRecord> endpoints_;
    // Per conversation, so placeholders stay stable across its turns; the running reply
    // holds its vault too (a conversation switch mid-stream must not pull it away).
    QHash<qint64, std::shared_ptr<remote::PiiVault>> vaults_;
    std::shared_ptr<remote::PiiVault> streamVault_;
    std::unique_ptr<remote::PiiStreamRestorer> restorer_;
    QString sentBody_;  // the request body of the running remote reply
    double conversationCost_ = 0;
    std::shared_ptr<Job> job_;
    bool starting_ = false;       // between send() and the job's start (store round trips)
    bool stopRequested_ = false;  // Esc while starting: cancel the job as soon as it exists
    Stream stream_;
    QTimer flushTimer_;
    QTimer saveParametersTimer_;
    QTimer undoTimer_;
    PendingDelete pendingDelete_;
    int contextUsed_ = 0;
    QString error_;
    bool databaseChoicePending_ = false;
    quint64 openRequest_ = 0;  // drops stale branch loads when the user clicks fast
};

}  // namespace hearth::gui
