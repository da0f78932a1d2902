// ChatController: the message actions that start or steer generation (send, stop,
// regenerate, continue, edit, branch switching) and the streaming of a reply.
#include "core/local/local_target.h"
#include "core/store/store_finish.h"
#include "gui/chat_controller.h"

namespace hearth::gui {

namespace {

std::string roleString(store::Role role) {
    return store::roleName(role).toStdString();
}

QString titleFrom(const QString& text) {
    QString title = text.simplified();
    if (title.size() > 60) title = title.left(57).trimmed() + QStringLiteral("…");
    return title;
}

}  // namespace

bool ChatController::send(const QString& text) {
    const QString content = text.trimmed();
    if (content.isEmpty() || generating() || !ready_) return false;
    if (!activeTarget()) {
        setError(
            tr("No model selected. Install one with `hearth models pull "
               "smollm2-135m-instruct`."));
        return false;
    }
    setStarting(true);
    if (conversationId_ != 0) {
        appendUserMessage(content);
        return true;
    }
    const quint64 request = ++openRequest_;
    store_.createConversation(titleFrom(content), modelName_, parameters_.toJson(),
                              [this, request, content](const store::ConversationRecord& record) {
                                  if (request != openRequest_) {
                                      setStarting(false);
                                      return;
                                  }
                                  thread_.setBranch(record.id, {});
                                  setConversation(record);
                                  appendUserMessage(content);
                              });
    return true;
}

void ChatController::appendUserMessage(const QString& text) {
    store::NewMessage message;
    message.conversationId = conversationId_;
    message.parentId = thread_.rowCount() > 0 ? thread_.at(thread_.rowCount() - 1).message.id : 0;
    message.role = store::Role::User;
    message.content = text;
    message.target = modelName_;
    const qint64 conversation = conversationId_;
    store_.appendMessage(message, [this, conversation](const store::MessageRecord& record) {
        if (conversation != conversationId_) {
            setStarting(false);
            return;
        }
        thread_.appendMessage(record);
        startReply(record.id, {}, false);
    });
}

void ChatController::stop() {
    if (job_)
        job_->cancel();
    else if (starting_)
        stopRequested_ = true;
}

void ChatController::regenerate() {
    if (generating() || thread_.rowCount() == 0) return;
    const auto& last = thread_.at(thread_.rowCount() - 1).message;
    // Under the user message: a new sibling of the last reply (or a first reply).
    const qint64 parent = last.role == store::Role::Assistant ? last.parentId : last.id;
    if (parent == 0) return;
    setStarting(true);
    startReply(parent, {}, true);
}

void ChatController::continueReply(qint64 messageId) {
    const int row = thread_.rowOf(messageId);
    if (generating() || row < 0) return;
    const auto& reply = thread_.at(row).message;
    if (reply.role != store::Role::Assistant || reply.parentId == 0) return;
    // The continuation is a new sibling that starts with the interrupted text, so the
    // original stays exactly as it was saved.
    setStarting(true);
    startReply(reply.parentId, reply.content, true);
}

void ChatController::editMessage(qint64 messageId, const QString& text) {
    const int row = thread_.rowOf(messageId);
    const QString content = text.trimmed();
    if (generating() || row < 0 || content.isEmpty()) return;
    const bool isUser = thread_.at(row).message.role == store::Role::User;
    if (isUser) setStarting(true);
    const qint64 conversation = conversationId_;
    store_.editMessage(messageId, content,
                       [this, isUser, conversation](const store::MessageRecord& record) {
                           if (conversation != conversationId_) {
                               setStarting(false);
                               return;
                           }
                           if (isUser)
                               startReply(record.id, {}, true);
                           else
                               loadConversation(conversation);
                       });
}

void ChatController::switchSibling(qint64 messageId, int step) {
    const int row = thread_.rowOf(messageId);
    if (generating() || row < 0) return;
    const auto& entry = thread_.at(row);
    const int index = entry.siblingIndex + step;
    if (index < 0 || index >= entry.siblingIds.size()) return;
    const qint64 conversation = conversationId_;
    store_.selectBranch(entry.siblingIds.at(index),
                        [this, conversation](const QVector<store::BranchMessage>& branch) {
                            if (conversation == conversationId_) showBranch(branch);
                        });
}

void ChatController::deleteMessage(qint64 messageId) {
    if (generating() || thread_.rowOf(messageId) < 0) return;
    const qint64 conversation = conversationId_;
    store_.deleteMessage(messageId);
    store_.loadBranch(conversation, [this, conversation](const QVector<store::BranchMessage>& b) {
        if (conversation == conversationId_) showBranch(b);
    });
}

// ---- streaming ----------------------------------------------------------------------

void ChatController::startReply(qint64 parentId, const QString& prefix, bool reloadBranch) {
    store::NewMessage reply;
    reply.conversationId = conversationId_;
    reply.parentId = parentId;
    reply.role = store::Role::Assistant;
    reply.target = modelName_;
    if (const store::EndpointRecord* endpoint = currentEndpoint()) reply.endpointId = endpoint->id;
    reply.sampling = parameters_.toJson();
    const qint64 conversation = conversationId_;
    stream_ = {};
    stream_.conversationId = conversation;
    stream_.ticket = store_.startReply(
        reply, [this, conversation, prefix, reloadBranch](const store::MessageRecord& record) {
            stream_.messageId = record.id;
            if (!reloadBranch) {
                thread_.appendMessage(record);
                startJob(record, prefix);
                return;
            }
            store_.loadBranch(conversation, [this, conversation, record,
                                             prefix](const QVector<store::BranchMessage>& branch) {
                if (conversation == conversationId_) showBranch(branch);
                startJob(record, prefix);
            });
        });
    if (!prefix.isEmpty()) store_.appendDelta(stream_.ticket, prefix);
}

void ChatController::startJob(const store::MessageRecord& reply, const QString& prefix) {
    Target* target = activeTarget();
    if (!target) {
        GenerationStats stats;
        stats.finish = FinishReason::error;
        stats.error = "no model selected";
        finishStream(stats);
        return;
    }
    const bool visible = reply.conversationId == conversationId_;
    if (visible && !prefix.isEmpty()) thread_.appendDelta(prefix);
    const GenerationRequest request = prepareRemoteRequest(buildRequest(prefix));
    Sink sink;
    sink.onPiece = [this](const QString& raw) {
        const QString piece = restorePiece(raw);  // PII placeholders back to the originals
        if (piece.isEmpty()) return;
        stream_.pending += piece;
        store_.appendDelta(stream_.ticket, piece);
        if (!flushTimer_.isActive()) flushTimer_.start();
    };
    sink.onFinished = [this](const GenerationStats& stats) { finishStream(stats); };
    job_ = target->start(request, std::move(sink));
    starting_ = false;  // generating() stays true through job_
    if (stopRequested_) job_->cancel();
    stopRequested_ = false;
}

GenerationRequest ChatController::buildRequest(const QString& prefix) const {
    GenerationRequest request;
    if (!parameters_.systemPrompt().trimmed().isEmpty())
        request.messages.push_back({"system", parameters_.systemPrompt().toStdString()});
    // Every row but the last (the empty reply being generated).
    for (int row = 0; row + 1 < thread_.rowCount(); ++row) {
        const auto& m = thread_.at(row).message;
        request.messages.push_back({roleString(m.role), m.content.toStdString()});
    }
    // A trailing assistant message is continued, not answered (EngineWorker).
    if (!prefix.isEmpty()) request.messages.push_back({"assistant", prefix.toStdString()});
    request.sampling = parameters_.sampling();
    request.max_tokens = parameters_.maxTokens();
    return request;
}

void ChatController::flushPieces() {
    flushTimer_.stop();
    if (stream_.pending.isEmpty()) return;
    if (stream_.conversationId == conversationId_ && thread_.rowCount() > 0 &&
        thread_.at(thread_.rowCount() - 1).message.id == stream_.messageId)
        thread_.appendDelta(stream_.pending);
    stream_.pending.clear();
}

void ChatController::finishStream(const GenerationStats& stats) {
    if (const QString rest = finishRestore(); !rest.isEmpty()) {
        stream_.pending += rest;
        store_.appendDelta(stream_.ticket, rest);
    }
    flushPieces();
    store::MessageStats messageStats;
    messageStats.promptTokens = stats.prompt_tokens;
    messageStats.completionTokens = stats.completion_tokens;
    messageStats.ttftMs = stats.time_to_first_token_ms;
    messageStats.tokensPerS = stats.tokens_per_s;
    recordRemoteReply(stream_.messageId, stats, &messageStats);
    const QString error = QString::fromStdString(stats.error);
    const qint64 conversation = stream_.conversationId;
    // A remote stream that broke after text was shown keeps it, marked interrupted.
    const store::FinishReason finish = stats.interrupted ? store::FinishReason::Interrupted
                                                         : store::storedFinishReason(stats.finish);
    store_.finishReply(stream_.ticket, messageStats, finish, error,
                       [this, conversation](const store::MessageRecord& record) {
                           if (conversation == conversationId_) {
                               thread_.updateMessage(record);
                               updateContextUsage(record);
                               refreshCost();
                           }
                           Q_EMIT replyFinished(record.id, store::finishReasonName(record.finish));
                       });
    if (stats.finish == FinishReason::error) setError(tr("Generation failed: %1").arg(error));
    job_.reset();
    starting_ = false;
    stopRequested_ = false;
    Q_EMIT generatingChanged();
}

void ChatController::updateContextUsage(const store::MessageRecord& record) {
    contextUsed_ = record.stats.promptTokens + record.stats.completionTokens;
    Q_EMIT contextChanged();
}

}  // namespace hearth::gui
