#include "core/store/conversation_list_model.h"

#include <algorithm>

#include "core/store/store.h"

namespace hearth::store {

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConversationRecord& c = rows_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case TitleRole:
            return c.title;
        case IdRole:
            return c.id;
        case UpdatedRole:
            return c.updatedAt.toLocalTime();
        case PinnedRole:
            return c.pinned;
        case ArchivedRole:
            return c.archived;
        case SectionRole:
            return sectionFor(c, today_ ? today_() : QDate::currentDate());
        default:
            return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "id"},         {TitleRole, "title"},       {UpdatedRole, "updated"},
            {PinnedRole, "pinned"}, {ArchivedRole, "archived"}, {SectionRole, "section"}};
}

bool ConversationListModel::before(const ConversationRecord& a, const ConversationRecord& b) {
    if (a.pinned != b.pinned) return a.pinned;
    if (a.updatedAt != b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.id > b.id;
}

void ConversationListModel::setConversations(const QVector<ConversationRecord>& conversations) {
    QVector<ConversationRecord> sorted = conversations;
    std::stable_sort(sorted.begin(), sorted.end(), &ConversationListModel::before);
    const bool sameShape = sorted.size() == rows_.size() &&
                           std::equal(sorted.begin(), sorted.end(), rows_.begin(),
                                      [](const ConversationRecord& a, const ConversationRecord& b) {
                                          return a.id == b.id;
                                      });
    if (sameShape) {
        for (int i = 0; i < sorted.size(); ++i) {
            const ConversationRecord& old = rows_[i];
            const ConversationRecord& now = sorted[i];
            const bool same = old.title == now.title && old.updatedAt == now.updatedAt &&
                              old.pinned == now.pinned && old.archived == now.archived;
            rows_[i] = now;
            if (!same) Q_EMIT dataChanged(index(i), index(i));
        }
        return;
    }
    beginResetModel();
    rows_ = sorted;
    endResetModel();
    Q_EMIT countChanged();
}

void ConversationListModel::upsert(const ConversationRecord& conversation) {
    const int existing = rowOf(conversation.id);
    if (existing >= 0) {
        beginRemoveRows({}, existing, existing);
        rows_.removeAt(existing);
        endRemoveRows();
    }
    const auto at =
        std::lower_bound(rows_.begin(), rows_.end(), conversation, &ConversationListModel::before);
    const int row = int(at - rows_.begin());
    beginInsertRows({}, row, row);
    rows_.insert(row, conversation);
    endInsertRows();
    if (existing < 0) Q_EMIT countChanged();
}

void ConversationListModel::remove(Id id) {
    const int row = rowOf(id);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    rows_.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void ConversationListModel::attach(Store* store, bool autoReload) {
    if (store_) disconnect(store_, nullptr, this, nullptr);
    store_ = store;
    if (store && autoReload)
        connect(store, &Store::conversationsChanged, this, &ConversationListModel::reload);
}

void ConversationListModel::reload() {
    if (!store_) return;
    QPointer<ConversationListModel> self(this);
    store_->listConversations([self](QVector<ConversationRecord> list) {
        if (self) self->setConversations(list);
    });
}

int ConversationListModel::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return i;
    return -1;
}

qint64 ConversationListModel::idAt(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row].id : 0;
}

ConversationRecord ConversationListModel::conversationAt(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row] : ConversationRecord{};
}

QString ConversationListModel::sectionFor(const ConversationRecord& c, const QDate& today) {
    if (c.pinned) return tr("Pinned");
    const qint64 days = c.updatedAt.toLocalTime().date().daysTo(today);
    if (days <= 0) return tr("Today");
    if (days == 1) return tr("Yesterday");
    if (days <= 7) return tr("Previous 7 days");
    if (days <= 30) return tr("Previous 30 days");
    return tr("Older");
}

void ConversationListModel::setToday(std::function<QDate()> today) {
    today_ = std::move(today);
    if (!rows_.isEmpty()) Q_EMIT dataChanged(index(0), index(int(rows_.size()) - 1), {SectionRole});
}

}  // namespace hearth::store
