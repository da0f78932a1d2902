#pragma once
// ConversationListModel: the sidebar list. GUI thread only; filled from Store results
// (reload() asks the Store and applies the answer when it arrives).
//
// Roles (QML names): id, title, updated (QDateTime, local), pinned, archived, section.
// section is "Pinned", "Today", "Yesterday", "Previous 7 days", "Previous 30 days" or
// "Older" relative to today(); rows are ordered pinned first, then newest first, so
// sections are contiguous for a ListView section.delegate.
#include <QAbstractListModel>
#include <QDate>
#include <QPointer>
#include <QVector>
#include <functional>

#include "core/store/store_types.h"

namespace hearth::store {

class Store;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        UpdatedRole,
        PinnedRole,
        ArchivedRole,
        SectionRole,
    };

    explicit ConversationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces the rows (keeps rows whose id persists as moves/updates; a full reset only
    // when the set changed shape).
    void setConversations(const QVector<ConversationRecord>& conversations);
    // Insert or update one conversation in its sorted place.
    void upsert(const ConversationRecord& conversation);
    void remove(Id id);
    // Asks the store for the list and applies it; reloads on store->conversationsChanged()
    // when autoReload is true.
    void attach(Store* store, bool autoReload = true);
    void reload();

    Q_INVOKABLE int rowOf(qint64 id) const;  // -1 when absent
    Q_INVOKABLE qint64 idAt(int row) const;  // 0 when out of range
    ConversationRecord conversationAt(int row) const;

    // "Today" etc. for a conversation updated at `updated` (UTC), seen on local date today.
    static QString sectionFor(const ConversationRecord& conversation, const QDate& today);
    // The clock used for sections; tests inject a fixed date.
    void setToday(std::function<QDate()> today);

Q_SIGNALS:
    void countChanged();

private:
    static bool before(const ConversationRecord& a, const ConversationRecord& b);
    QVector<ConversationRecord> rows_;
    std::function<QDate()> today_;
    QPointer<Store> store_;
};

}  // namespace hearth::store
