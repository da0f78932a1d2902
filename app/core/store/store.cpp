#include "core/store/store.h"

#include "core/store/store_export.h"
#include "core/store/store_worker.h"

namespace hearth::store {

// ---- StoreWorker --------------------------------------------------------------------

StoreWorker::StoreWorker() = default;
StoreWorker::~StoreWorker() = default;

void StoreWorker::startFlushTimer() {
    flushTimer_ = new QTimer(this);
    flushTimer_->setInterval(kFlushTimerMs);
    connect(flushTimer_, &QTimer::timeout, this, &StoreWorker::flushDue);
    flushTimer_->start();
}

void StoreWorker::flushDue() {
    if (!db || replyTickets.empty()) return;
    try {
        db->flushDueReplies(kFlushTimerMs);
    } catch (const StoreException&) {
        // The next delta or finishReply() retries the write and reports the error.
    }
}

void StoreWorker::closeDatabase() {
    if (flushTimer_) flushTimer_->stop();
    db.reset();  // flushes pending replies
}

// ---- Store --------------------------------------------------------------------------

Store::Store(QObject* parent) : QObject(parent) {
    qRegisterMetaType<StoreError>();
    thread_.setObjectName(QStringLiteral("hearth-store"));
    worker_ = new StoreWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
    QMetaObject::invokeMethod(worker_, [w = worker_] { w->startFlushTimer(); });
}

Store::~Store() {
    QMetaObject::invokeMethod(
        worker_, [w = worker_] { w->closeDatabase(); }, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
}

void Store::deliver(std::function<void()> fn) {
    // Called on the store thread. The Store outlives every job (its destructor joins the
    // thread), and events posted to it are dropped if it is deleted before they run.
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void Store::post(std::function<void(StoreDatabase&)> job) {
    QMetaObject::invokeMethod(worker_, [this, w = worker_, job = std::move(job)] {
        try {
            if (!w->db)
                throw StoreException(StoreError::Kind::NotFound,
                                     QStringLiteral("the store is not open"));
            job(*w->db);
        } catch (const StoreException& e) {
            deliver([this, error = e.error()] { Q_EMIT errorOccurred(error); });
        } catch (const std::exception& e) {
            deliver([this, text = QString::fromUtf8(e.what())] {
                Q_EMIT errorOccurred(StoreError{StoreError::Kind::Sql, text});
            });
        }
    });
}

void Store::postOpen(std::function<void(StoreWorker&)> job) {
    QMetaObject::invokeMethod(worker_, [w = worker_, job = std::move(job)] { job(*w); });
}

namespace {
// On the store thread: (re)opens the worker's database and reports back.
void openOnStoreThread(Store* store, StoreWorker& w, const QString& path,
                       StoreDatabase::OpenMode mode,
                       const std::function<void(std::function<void()>)>& deliver) {
    w.db.reset();
    w.replyTickets.clear();
    try {
        w.db = StoreDatabase::open(path, mode);
        const bool readOnly = w.db->isReadOnly();
        deliver([store, path, readOnly] { store->markOpened(path, readOnly); });
    } catch (const StoreException& e) {
        deliver([store, error = e.error()] { store->markOpenFailed(error); });
    }
}
}  // namespace

void Store::markOpened(const QString& path, bool readOnly) {
    open_ = true;
    readOnly_ = readOnly;
    path_ = path;
    Q_EMIT opened(path, readOnly);
    Q_EMIT conversationsChanged();
}

void Store::markOpenFailed(const StoreError& error) {
    open_ = false;
    Q_EMIT openFailed(error);
}

void Store::open(const QString& path, StoreDatabase::OpenMode mode) {
    postOpen([this, path, mode](StoreWorker& w) {
        openOnStoreThread(this, w, path, mode,
                          [this](std::function<void()> fn) { deliver(std::move(fn)); });
    });
}

void Store::startFresh(const QString& path) {
    postOpen([this, path](StoreWorker& w) {
        w.db.reset();
        w.replyTickets.clear();
        try {
            const QString backup = StoreDatabase::moveAside(path);
            deliver([this, backup] { Q_EMIT movedAside(backup); });
        } catch (const StoreException& e) {
            deliver([this, error = e.error()] { markOpenFailed(error); });
            return;
        }
        openOnStoreThread(this, w, path, StoreDatabase::OpenMode::ReadWrite,
                          [this](std::function<void()> fn) { deliver(std::move(fn)); });
    });
}

void Store::runVoid(std::function<void(StoreDatabase&)> job, std::function<void()> done) {
    post([this, job = std::move(job), done = std::move(done)](StoreDatabase& db) {
        job(db);
        if (done) deliver(done);
    });
}

void Store::changed(std::function<void()> done) {
    if (done) done();
    Q_EMIT conversationsChanged();
}

void Store::listConversations(std::function<void(QVector<ConversationRecord>)> done,
                              bool includeArchived) {
    run<QVector<ConversationRecord>>(
        [includeArchived](StoreDatabase& db) { return db.listConversations(includeArchived); },
        std::move(done));
}

void Store::createConversation(const QString& title, const QString& defaultTarget,
                               const QJsonObject& parameters,
                               std::function<void(ConversationRecord)> done) {
    run<ConversationRecord>(
        [=](StoreDatabase& db) { return db.createConversation(title, defaultTarget, parameters); },
        [this, done = std::move(done)](ConversationRecord c) {
            changed(done ? std::function<void()>([&] { done(c); }) : nullptr);
        });
}

void Store::renameConversation(Id id, const QString& title, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.renameConversation(id, title); },
            [this, done] { changed(done); });
}
void Store::setPinned(Id id, bool pinned, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.setPinned(id, pinned); }, [this, done] { changed(done); });
}
void Store::setArchived(Id id, bool archived, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.setArchived(id, archived); },
            [this, done] { changed(done); });
}
void Store::setDefaultTarget(Id id, const QString& target, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.setDefaultTarget(id, target); }, std::move(done));
}
void Store::deleteConversation(Id id, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.deleteConversation(id); }, [this, done] { changed(done); });
}

void Store::loadBranch(Id conversationId, std::function<void(QVector<BranchMessage>)> done) {
    run<QVector<BranchMessage>>([=](StoreDatabase& db) { return db.branch(conversationId); },
                                std::move(done));
}

void Store::appendMessage(const NewMessage& message, std::function<void(MessageRecord)> done) {
    run<MessageRecord>([=](StoreDatabase& db) { return db.appendMessage(message); },
                       [this, done = std::move(done)](MessageRecord m) {
                           changed(done ? std::function<void()>([&] { done(m); }) : nullptr);
                       });
}

void Store::editMessage(Id messageId, const QString& content,
                        std::function<void(MessageRecord)> done) {
    run<MessageRecord>([=](StoreDatabase& db) { return db.editMessage(messageId, content); },
                       [this, done = std::move(done)](MessageRecord m) {
                           changed(done ? std::function<void()>([&] { done(m); }) : nullptr);
                       });
}

void Store::selectBranch(Id messageId, std::function<void(QVector<BranchMessage>)> done) {
    run<QVector<BranchMessage>>(
        [=](StoreDatabase& db) {
            const Id conversationId = db.message(messageId).conversationId;
            db.selectBranch(messageId);
            return db.branch(conversationId);
        },
        std::move(done));
}

void Store::deleteMessage(Id messageId, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.deleteMessage(messageId); },
            [this, done] { changed(done); });
}

Store::ReplyTicket Store::startReply(const NewMessage& reply,
                                     std::function<void(MessageRecord)> done) {
    const ReplyTicket ticket = nextTicket_++;
    post([this, ticket, reply, done = std::move(done)](StoreDatabase& db) {
        const MessageRecord record = db.startReply(reply);
        worker_->replyTickets[ticket] = record.id;
        deliver([this, done, record] {
            if (done) done(record);
            Q_EMIT conversationsChanged();
        });
    });
    return ticket;
}

void Store::appendDelta(ReplyTicket ticket, const QString& delta) {
    post([this, ticket, delta](StoreDatabase& db) {
        const auto it = worker_->replyTickets.find(ticket);
        if (it == worker_->replyTickets.end()) return;  // startReply failed; already reported
        db.appendDelta(it->second, delta);
    });
}

void Store::finishReply(ReplyTicket ticket, const MessageStats& stats, FinishReason finish,
                        const QString& errorMessage, std::function<void(MessageRecord)> done) {
    post([=, this](StoreDatabase& db) {
        const auto it = worker_->replyTickets.find(ticket);
        if (it == worker_->replyTickets.end()) return;
        const Id id = it->second;
        worker_->replyTickets.erase(it);
        const MessageRecord record = db.finishReply(id, stats, finish, errorMessage);
        deliver([this, done, record] {
            if (done) done(record);
            Q_EMIT conversationsChanged();
        });
    });
}

void Store::search(const QString& query, int limit, std::function<void(QVector<SearchHit>)> done) {
    run<QVector<SearchHit>>([=](StoreDatabase& db) { return db.search(query, limit); },
                            std::move(done));
}

void Store::exportJson(const QVector<Id>& conversationIds, std::function<void(QByteArray)> done) {
    run<QByteArray>(
        [=](StoreDatabase& db) { return hearth::store::exportJson(db, conversationIds); },
        std::move(done));
}

void Store::exportMarkdown(Id conversationId, std::function<void(QString)> done) {
    run<QString>(
        [=](StoreDatabase& db) { return hearth::store::exportMarkdown(db, conversationId); },
        std::move(done));
}

void Store::importJson(const QByteArray& json, std::function<void(QVector<Id>)> done) {
    run<QVector<Id>>([=](StoreDatabase& db) { return hearth::store::importJson(db, json); },
                     [this, done = std::move(done)](QVector<Id> ids) {
                         changed(done ? std::function<void()>([&] { done(ids); }) : nullptr);
                     });
}

void Store::backupTo(const QString& destination, std::function<void()> done) {
    runVoid([=](StoreDatabase& db) { db.backupTo(destination); }, std::move(done));
}

void Store::waitForIdle() {
    QMetaObject::invokeMethod(
        worker_, [] {}, Qt::BlockingQueuedConnection);
}

}  // namespace hearth::store
