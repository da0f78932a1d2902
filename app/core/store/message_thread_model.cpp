#include "core/store/message_thread_model.h"

#include <QVariantMap>

namespace hearth::store {

MessageThreadModel::MessageThreadModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageThreadModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant MessageThreadModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BranchMessage& b = rows_[index.row()];
    const MessageRecord& m = b.message;
    switch (role) {
        case MessageIdRole:
            return m.id;
        case RoleRole:
            return roleName(m.role);
        case Qt::DisplayRole:
        case ContentRole:
            return m.content;
        case SiblingCountRole:
            return b.siblingCount;
        case SiblingIndexRole:
            return b.siblingIndex;
        case SiblingIdsRole: {
            QVariantList ids;
            for (Id id : b.siblingIds)
                ids.append(id);
            return ids;
        }
        case FinishReasonRole:
            return finishReasonName(m.finish);
        case StreamingRole:
            return m.isStreaming();
        case TargetRole:
            return m.target;
        case ErrorMessageRole:
            return m.errorMessage;
        case PromptTokensRole:
            return m.stats.promptTokens;
        case CompletionTokensRole:
            return m.stats.completionTokens;
        case TtftMsRole:
            return m.stats.ttftMs;
        case TokensPerSRole:
            return m.stats.tokensPerS;
        case CostRole:
            return m.stats.cost;
        case StatsRole:
            return QVariantMap{{QStringLiteral("promptTokens"), m.stats.promptTokens},
                               {QStringLiteral("completionTokens"), m.stats.completionTokens},
                               {QStringLiteral("ttftMs"), m.stats.ttftMs},
                               {QStringLiteral("tokensPerS"), m.stats.tokensPerS},
                               {QStringLiteral("cost"), m.stats.cost}};
        case CreatedAtRole:
            return m.createdAt.toLocalTime();
        default:
            return {};
    }
}

QHash<int, QByteArray> MessageThreadModel::roleNames() const {
    return {{MessageIdRole, "messageId"},
            {RoleRole, "role"},
            {ContentRole, "content"},
            {SiblingCountRole, "siblingCount"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingIdsRole, "siblingIds"},
            {FinishReasonRole, "finishReason"},
            {StreamingRole, "streaming"},
            {TargetRole, "target"},
            {ErrorMessageRole, "errorMessage"},
            {PromptTokensRole, "promptTokens"},
            {CompletionTokensRole, "completionTokens"},
            {TtftMsRole, "ttftMs"},
            {TokensPerSRole, "tokensPerS"},
            {CostRole, "cost"},
            {StatsRole, "stats"},
            {CreatedAtRole, "createdAt"}};
}

void MessageThreadModel::setBranch(Id conversationId, const QVector<BranchMessage>& branch) {
    const bool countDiffers = branch.size() != rows_.size();
    beginResetModel();
    rows_ = branch;
    endResetModel();
    if (conversationId_ != conversationId) {
        conversationId_ = conversationId;
        Q_EMIT conversationIdChanged();
    }
    if (countDiffers) Q_EMIT countChanged();
}

void MessageThreadModel::clear() {
    setBranch(0, {});
}

void MessageThreadModel::appendMessage(const BranchMessage& message) {
    const int row = int(rows_.size());
    beginInsertRows({}, row, row);
    rows_.append(message);
    endInsertRows();
    Q_EMIT countChanged();
}

void MessageThreadModel::appendMessage(const MessageRecord& message) {
    appendMessage(BranchMessage{message, 1, 0, {message.id}});
}

void MessageThreadModel::appendDelta(const QString& delta) {
    if (rows_.isEmpty() || delta.isEmpty()) return;
    const int row = int(rows_.size()) - 1;
    rows_[row].message.content += delta;
    Q_EMIT dataChanged(index(row), index(row), {ContentRole, Qt::DisplayRole});
}

void MessageThreadModel::updateMessage(const MessageRecord& message) {
    const int row = rowOf(message.id);
    if (row < 0) return;
    rows_[row].message = message;
    Q_EMIT dataChanged(index(row), index(row));
}

void MessageThreadModel::truncateAfter(int row) {
    const int last = int(rows_.size()) - 1;
    if (row < -1 || row >= last) return;
    beginRemoveRows({}, row + 1, last);
    rows_.resize(row + 1);
    endRemoveRows();
    Q_EMIT countChanged();
}

int MessageThreadModel::rowOf(qint64 messageId) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].message.id == messageId) return i;
    return -1;
}

}  // namespace hearth::store
