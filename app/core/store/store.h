#pragma once
// Store: the GUI-thread facade over the conversation store. Every request runs on a
// dedicated store thread (a StoreWorker QObject owning its own StoreDatabase connection);
// the result comes back as a callback invoked on the thread that owns this Store (queued,
// carrying value types), so the UI never waits on the disk. Requests run in the order they
// were made. A failed request does not call its callback; errorOccurred() reports it.
//
// Streaming replies are addressed by a ticket handed out synchronously by startReply(), so
// deltas can be sent before the message id is known.
#include <QObject>
#include <QPointer>
#include <QThread>
#include <functional>

#include "core/store/store_database.h"
#include "core/store/store_types.h"

namespace hearth::store {

class StoreWorker;

class Store : public QObject {
    Q_OBJECT
public:
    using ReplyTicket = quint64;

    explicit Store(QObject* parent = nullptr);
    ~Store() override;  // flushes pending replies, stops and joins the store thread

    // Opens on the store thread; opened() or openFailed() follows. A TooNew / Corrupt /
    // NotADatabase failure leaves the file untouched; offer openReadOnly() or
    // startFresh().
    void open(const QString& path = StoreDatabase::defaultPath(),
              StoreDatabase::OpenMode mode = StoreDatabase::OpenMode::ReadWrite);
    // Renames the broken file to PATH.broken-TIMESTAMP and opens an empty store at PATH;
    // movedAside(backupPath) then opened().
    void startFresh(const QString& path = StoreDatabase::defaultPath());
    bool isOpen() const { return open_; }
    bool isReadOnly() const { return readOnly_; }
    QString path() const { return path_; }

    // Generic requests: job runs on the store thread, done on this object's thread.
    template <class R>
    void run(std::function<R(StoreDatabase&)> job, std::function<void(R)> done) {
        post([this, job = std::move(job), done = std::move(done)](StoreDatabase& db) {
            R result = job(db);
            if (done) deliver([done, result = std::move(result)] { done(result); });
        });
    }
    void runVoid(std::function<void(StoreDatabase&)> job, std::function<void()> done = {});

    // ---- conversations ----
    void listConversations(std::function<void(QVector<ConversationRecord>)> done,
                           bool includeArchived = false);
    void createConversation(const QString& title, const QString& defaultTarget,
                            const QJsonObject& parameters,
                            std::function<void(ConversationRecord)> done);
    void renameConversation(Id id, const QString& title, std::function<void()> done = {});
    void setPinned(Id id, bool pinned, std::function<void()> done = {});
    void setArchived(Id id, bool archived, std::function<void()> done = {});
    void setDefaultTarget(Id id, const QString& target, std::function<void()> done = {});
    void deleteConversation(Id id, std::function<void()> done = {});

    // ---- messages ----
    void loadBranch(Id conversationId, std::function<void(QVector<BranchMessage>)> done);
    void appendMessage(const NewMessage& message, std::function<void(MessageRecord)> done);
    void editMessage(Id messageId, const QString& content, std::function<void(MessageRecord)> done);
    // Switches to the branch through messageId; done gets the conversation's new branch.
    void selectBranch(Id messageId, std::function<void(QVector<BranchMessage>)> done);
    void deleteMessage(Id messageId, std::function<void()> done = {});

    // ---- streaming replies ----
    // done(record) when the Streaming message exists (record.id is then known).
    ReplyTicket startReply(const NewMessage& reply, std::function<void(MessageRecord)> done = {});
    void appendDelta(ReplyTicket ticket, const QString& delta);
    void finishReply(ReplyTicket ticket, const MessageStats& stats, FinishReason finish,
                     const QString& errorMessage = {},
                     std::function<void(MessageRecord)> done = {});

    // ---- search, export, backup ----
    void search(const QString& query, int limit, std::function<void(QVector<SearchHit>)> done);
    void exportJson(const QVector<Id>& conversationIds, std::function<void(QByteArray)> done);
    void exportMarkdown(Id conversationId, std::function<void(QString)> done);
    void importJson(const QByteArray& json, std::function<void(QVector<Id>)> done);
    void backupTo(const QString& destination, std::function<void()> done = {});

    // Blocks until every request made so far has run and its callback was queued (tests,
    // shutdown). Does not process this thread's events.
    void waitForIdle();

    // Internal: applied on this thread when an open attempt finished.
    void markOpened(const QString& path, bool readOnly);
    void markOpenFailed(const hearth::store::StoreError& error);

Q_SIGNALS:
    void opened(const QString& path, bool readOnly);
    void openFailed(const hearth::store::StoreError& error);
    void movedAside(const QString& backupPath);
    void errorOccurred(const hearth::store::StoreError& error);
    // After a write that changes the conversation list (create, rename, pin, archive,
    // delete, new message, import). The list model reloads on it.
    void conversationsChanged();

private:
    void post(std::function<void(StoreDatabase&)> job);
    void postOpen(std::function<void(StoreWorker&)> job);
    void deliver(std::function<void()> onStoreThreadDone);
    void changed(std::function<void()> done);

    QThread thread_;
    StoreWorker* worker_ = nullptr;  // lives on thread_; deleted when it finishes
    ReplyTicket nextTicket_ = 1;
    bool open_ = false;
    bool readOnly_ = false;
    QString path_;
};

}  // namespace hearth::store
