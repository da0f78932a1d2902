#pragma once
// SearchResultsModel: full-text search hits for the sidebar. Roles: conversationId,
// messageId (0 when the title matched), title, snippetHtml (matches in <b>).
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QVector>

#include "core/store/store_types.h"

namespace hearth::gui {

class SearchResultsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { ConversationIdRole = Qt::UserRole + 1, MessageIdRole, TitleRole, SnippetHtmlRole };

    explicit SearchResultsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setHits(const QVector<store::SearchHit>& hits);

Q_SIGNALS:
    void countChanged();

private:
    QVector<store::SearchHit> hits_;
};

}  // namespace hearth::gui
