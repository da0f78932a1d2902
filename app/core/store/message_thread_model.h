#pragma once
// MessageThreadModel: the messages of one conversation's selected branch, root first.
// GUI thread only. A streaming reply grows by appendDelta(), which touches the last row and
// emits dataChanged for that row and the content/streaming roles only.
//
// Roles (QML names): messageId, role ("system"/"user"/"assistant"/"tool"), content,
// siblingCount, siblingIndex, siblingIds (list), finishReason (name, "" for none),
// streaming (bool), target, errorMessage, promptTokens, completionTokens, ttftMs,
// tokensPerS, cost, stats (map of the five), createdAt.
#include <QAbstractListModel>
#include <QVector>

#include "core/store/store_types.h"

namespace hearth::store {

class MessageThreadModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationIdChanged)
public:
    enum Roles {
        MessageIdRole = Qt::UserRole + 1,
        RoleRole,
        ContentRole,
        SiblingCountRole,
        SiblingIndexRole,
        SiblingIdsRole,
        FinishReasonRole,
        StreamingRole,
        TargetRole,
        ErrorMessageRole,
        PromptTokensRole,
        CompletionTokensRole,
        TtftMsRole,
        TokensPerSRole,
        CostRole,
        StatsRole,
        CreatedAtRole,
    };

    explicit MessageThreadModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    qint64 conversationId() const { return conversationId_; }
    // Replaces the whole branch (model reset).
    void setBranch(Id conversationId, const QVector<BranchMessage>& branch);
    void clear();
    // Appends one message at the end (e.g. the user's new message, a started reply).
    void appendMessage(const BranchMessage& message);
    void appendMessage(const MessageRecord& message);  // sibling count 1
    // Grows the last row's content; cheap: one dataChanged for one row.
    void appendDelta(const QString& delta);
    // Replaces a row's record in place (e.g. finished reply with stats); no-op if absent.
    void updateMessage(const MessageRecord& message);
    // Drops rows after `row` (when the user edits a message and a new branch starts there).
    void truncateAfter(int row);

    Q_INVOKABLE int rowOf(qint64 messageId) const;  // -1 when absent
    const BranchMessage& at(int row) const { return rows_.at(row); }

Q_SIGNALS:
    void countChanged();
    void conversationIdChanged();

private:
    QVector<BranchMessage> rows_;
    Id conversationId_ = 0;
};

}  // namespace hearth::store
