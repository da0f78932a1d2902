#include "gui/chat_controller.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QSettings>
#include <QThread>
#include <optional>

#include "core/local/local_target.h"
#include "core/models/model_store.h"
#include "gui/message_blocks.h"

namespace hearth::gui {

namespace {

constexpr auto kModelKey = "chat/model";
constexpr auto kLastConversationKey = "chat/lastConversation";

QString firstUsableModel() {
    for (const InstalledModel& m : ModelStore().installed())
        if (m.error.isEmpty()) return m.name;
    return {};
}

}  // namespace

ChatController::ChatController(QObject* parent) : QObject(parent) {
    flushTimer_.setInterval(kFlushMs);
    connect(&flushTimer_, &QTimer::timeout, this, &ChatController::flushPieces);
    saveParametersTimer_.setSingleShot(true);
    saveParametersTimer_.setInterval(400);
    connect(&saveParametersTimer_, &QTimer::timeout, this, &ChatController::saveParameters);
    undoTimer_.setSingleShot(true);
    undoTimer_.setInterval(kUndoMs);
    connect(&undoTimer_, &QTimer::timeout, this, &ChatController::commitPendingDelete);

    connect(&parameters_, &GenerationParameters::edited, this, [this] {
        saveParametersTimer_.start();
        if (target_) target_->setContextSize(parameters_.contextSize());
        // The device is chosen when a model loads: another one means loading it again.
        if (target_ && target_->deviceRequest() != parameters_.engineDevice()) ensureTarget();
    });
    connect(&store_, &store::Store::opened, this, &ChatController::onStoreOpened);
    connect(&store_, &store::Store::openFailed, this, [this](const store::StoreError& e) {
        using Kind = store::StoreError::Kind;
        databaseChoicePending_ =
            e.kind == Kind::NotADatabase || e.kind == Kind::Corrupt || e.kind == Kind::TooNew;
        setError(databaseChoicePending_
                     ? tr("The conversation database at %1 cannot be used: %2. It has not been "
                          "changed. Open it read-only to read your conversations, or keep it as "
                          "a backup and start a fresh one.")
                           .arg(databaseFile(), e.message)
                     : tr("Could not open the conversation database: %1").arg(e.message));
    });
    connect(&store_, &store::Store::movedAside, this, [this](const QString& backup) {
        setError(
            tr("Started a fresh conversation database; the old one is kept at %1").arg(backup));
    });
    connect(&store_, &store::Store::errorOccurred, this, [this](const store::StoreError& e) {
        setError(e.message);
        // A failed request never calls back: a send waiting on it would wait forever.
        if (starting_ && !job_) setStarting(false);
    });

    const QString saved = QSettings().value(QLatin1String(kModelKey)).toString();
    const ModelAddress::Kind savedKind = ModelStore().resolve(saved).kind;
    const bool savedInstalled = !saved.isEmpty() && (savedKind == ModelAddress::Kind::LocalFile ||
                                                     savedKind == ModelAddress::Kind::Remote);
    modelName_ = savedInstalled ? saved : firstUsableModel();
    ensureTarget();
    store_.open();
}

ChatController::~ChatController() {
    // Stops the engine first so no callback reaches a half-destroyed controller; a reply
    // cut off here stays Streaming on disk and is shown as interrupted next time.
    target_.reset();
    job_.reset();
    if (!stream_.pending.isEmpty()) stream_.pending.clear();
    commitPendingDelete();
    saveParametersTimer_.stop();
    store_.waitForIdle();
}

// ---- model ------------------------------------------------------------------------

QString ChatController::modelDisplayName() const {
    if (isRemote()) return remoteTarget_ ? remoteTarget_->displayName() : modelName_;
    return target_ ? target_->displayName() : modelName_;
}

QString ChatController::modelState() const {
    if (isRemote()) return remoteTarget_ ? QStringLiteral("ready") : QStringLiteral("failed");
    if (!target_) return QStringLiteral("none");
    switch (target_->state()) {
        case local::LocalTarget::State::Loading:
            return QStringLiteral("loading");
        case local::LocalTarget::State::Ready:
            return QStringLiteral("ready");
        case local::LocalTarget::State::Failed:
            return QStringLiteral("failed");
    }
    return QStringLiteral("none");
}

double ChatController::modelProgress() const {
    return target_ ? target_->loadProgress() : 0;
}
QString ChatController::modelError() const {
    if (isRemote()) return {};
    return target_ ? target_->errorString() : QString();
}

QString ChatController::deviceName() const {
    if (target_ && !target_->deviceName().isEmpty() && target_->deviceName() != "CPU")
        return target_->deviceName();
    return tr("CPU · %n threads", nullptr, QThread::idealThreadCount());
}

QString ChatController::deviceNote() const {
    if (!target_ || target_->deviceFallback().isEmpty()) return {};
    return tr("GPU unavailable, running on the CPU: %1").arg(target_->deviceFallback());
}

int ChatController::contextSize() const {
    if (target_ && target_->contextSize() > 0) return target_->contextSize();
    return parameters_.contextSize();
}

void ChatController::setModelName(const QString& name) {
    if (name == modelName_) return;
    modelName_ = name;
    QSettings().setValue(QLatin1String(kModelKey), name);
    if (conversationId_ != 0) store_.setDefaultTarget(conversationId_, name);
    ensureTarget();
}

void ChatController::ensureTarget() {
    if (ensureRemoteTarget()) return;
    const QString device = parameters_.engineDevice();
    if (target_ && target_->id() == modelName_ && target_->deviceRequest() == device) return;
    if (job_) {
        // The old target's job dies with it and reports nothing: finish the reply here.
        job_->cancel();
        GenerationStats stats;
        stats.finish = FinishReason::cancelled;
        finishStream(stats);
    }
    if (target_) {
        // Freed on its worker thread; deleted here once that thread has stopped.
        local::LocalTarget* old = target_.release();
        old->disconnect(this);
        connect(old, &local::LocalTarget::retired, old, &QObject::deleteLater);
        old->setParent(this);  // still joined by ~ChatController if the app closes first
        old->retire();
    }
    if (!modelName_.isEmpty()) {
        target_ = std::make_unique<local::LocalTarget>(modelName_, 0, nullptr, device);
        auto* target = target_.get();
        connect(target, &local::LocalTarget::deviceChanged, this, &ChatController::deviceChanged);
        connect(target, &local::LocalTarget::stateChanged, this, [this, target] {
            if (target->state() == local::LocalTarget::State::Failed)
                setError(tr("Could not load %1: %2").arg(modelName_, target->errorString()));
            Q_EMIT modelChanged();
            Q_EMIT contextChanged();
        });
        connect(target, &local::LocalTarget::loadProgressChanged, this,
                &ChatController::modelProgressChanged);
        connect(target, &local::LocalTarget::contextSizeChanged, this,
                &ChatController::contextChanged);
        target->setContextSize(parameters_.contextSize());
        if (target->state() == local::LocalTarget::State::Failed)
            setError(tr("Could not load %1: %2").arg(modelName_, target->errorString()));
    }
    Q_EMIT modelChanged();
    Q_EMIT contextChanged();
    Q_EMIT deviceChanged();
}

// ---- conversations ----------------------------------------------------------------

void ChatController::onStoreOpened() {
    conversations_.attach(&store_);
    loadEndpoints();
    ready_ = true;
    Q_EMIT readyChanged();
    const qint64 last = QSettings().value(QLatin1String(kLastConversationKey)).toLongLong();
    if (last > 0) loadConversation(last);
}

void ChatController::newConversation() {
    ++openRequest_;
    conversationId_ = 0;
    conversationTitle_.clear();
    thread_.clear();
    contextUsed_ = 0;
    QSettings().remove(QLatin1String(kLastConversationKey));
    refreshCost();
    Q_EMIT conversationChanged();
    Q_EMIT contextChanged();
}

void ChatController::openConversation(qint64 id) {
    if (id == conversationId_) return;
    loadConversation(id);
}

void ChatController::loadConversation(qint64 id, qint64 focusMessageId) {
    const quint64 request = ++openRequest_;
    using Loaded = std::pair<store::ConversationRecord, QVector<store::BranchMessage>>;
    store_.run<Loaded>(
        [id](store::StoreDatabase& db) {
            try {
                return Loaded{db.conversation(id), db.branch(id)};
            } catch (const store::StoreException&) {
                return Loaded{};  // deleted meanwhile: show an empty chat instead
            }
        },
        [this, request, focusMessageId](const Loaded& loaded) {
            if (request != openRequest_) return;
            if (loaded.first.id == 0 || loaded.first.archived) {
                newConversation();
                return;
            }
            setConversation(loaded.first);
            showBranch(loaded.second, focusMessageId);
        });
}

void ChatController::setConversation(const store::ConversationRecord& record) {
    conversationId_ = record.id;
    conversationTitle_ = record.title;
    parameters_.loadJson(record.parameters);
    QSettings().setValue(QLatin1String(kLastConversationKey), record.id);
    const auto usable = [](const QString& address) {
        const ModelAddress::Kind kind = ModelStore().resolve(address).kind;
        return kind == ModelAddress::Kind::LocalFile || kind == ModelAddress::Kind::Remote;
    };
    if (!record.defaultTarget.isEmpty() && record.defaultTarget != modelName_ && !generating() &&
        usable(record.defaultTarget)) {
        modelName_ = record.defaultTarget;
        ensureTarget();
    }
    refreshCost();
    Q_EMIT conversationChanged();
}

void ChatController::showBranch(const QVector<store::BranchMessage>& branch,
                                qint64 focusMessageId) {
    thread_.setBranch(conversationId_, branch);
    contextUsed_ = 0;
    for (auto it = branch.crbegin(); it != branch.crend(); ++it) {
        if (it->message.role != store::Role::Assistant) continue;
        contextUsed_ = it->message.stats.promptTokens + it->message.stats.completionTokens;
        break;
    }
    Q_EMIT contextChanged();
    if (focusMessageId != 0) {
        const int row = thread_.rowOf(focusMessageId);
        if (row >= 0) Q_EMIT focusMessage(row);
    }
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    const QString trimmed = title.simplified();
    if (trimmed.isEmpty()) return;
    store_.renameConversation(id, trimmed);
    if (id == conversationId_) {
        conversationTitle_ = trimmed;
        Q_EMIT conversationChanged();
    }
}

void ChatController::togglePinned(qint64 id) {
    const int row = conversations_.rowOf(id);
    if (row < 0) return;
    store_.setPinned(id, !conversations_.conversationAt(row).pinned);
}

void ChatController::deleteConversation(qint64 id) {
    commitPendingDelete();
    const int row = conversations_.rowOf(id);
    pendingDelete_ = {id, row >= 0 ? conversations_.conversationAt(row).title : QString()};
    store_.setArchived(id, true);
    if (id == conversationId_) newConversation();
    undoTimer_.start();
    Q_EMIT pendingDeleteChanged();
}

void ChatController::undoDelete() {
    if (pendingDelete_.id == 0) return;
    undoTimer_.stop();
    store_.setArchived(pendingDelete_.id, false);
    pendingDelete_ = {};
    Q_EMIT pendingDeleteChanged();
}

void ChatController::commitPendingDelete() {
    if (pendingDelete_.id == 0) return;
    undoTimer_.stop();
    store_.deleteConversation(pendingDelete_.id);
    pendingDelete_ = {};
    Q_EMIT pendingDeleteChanged();
}

void ChatController::saveParameters() {
    if (conversationId_ == 0) return;
    const qint64 id = conversationId_;
    const QJsonObject json = parameters_.toJson();
    store_.runVoid(
        [id, json](store::StoreDatabase& db) { db.setConversationParameters(id, json); });
}

void ChatController::search(const QString& query) {
    if (query.trimmed().isEmpty()) {
        searchResults_.setHits({});
        return;
    }
    store_.search(query, 30,
                  [this](const QVector<store::SearchHit>& hits) { searchResults_.setHits(hits); });
}

void ChatController::openSearchHit(qint64 conversationId, qint64 messageId) {
    if (messageId != 0) store_.selectBranch(messageId, [](const QVector<store::BranchMessage>&) {});
    loadConversation(conversationId, messageId);
}

// ---- view helpers -----------------------------------------------------------------

QVariantList ChatController::messageBlocks(const QString& content) const {
    return messageBlocksForQml(content);
}

void ChatController::copyToClipboard(const QString& text) const {
    QGuiApplication::clipboard()->setText(text);
}

void ChatController::setError(const QString& message) {
    if (message == error_) return;
    error_ = message;
    Q_EMIT errorChanged();
}

void ChatController::setStarting(bool starting) {
    if (starting_ == starting) return;
    starting_ = starting;
    Q_EMIT generatingChanged();
}

void ChatController::openDatabaseReadOnly() {
    databaseChoicePending_ = false;
    setError({});
    store_.open(databaseFile(), store::StoreDatabase::OpenMode::ReadOnly);
}

void ChatController::startFreshDatabase() {
    databaseChoicePending_ = false;
    setError({});
    store_.startFresh(databaseFile());
}

QString ChatController::databaseFile() const {
    // The store only records its path once an open succeeds.
    return store_.path().isEmpty() ? store::StoreDatabase::defaultPath() : store_.path();
}

}  // namespace hearth::gui
