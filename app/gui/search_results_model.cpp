#include "gui/search_results_model.h"

namespace hearth::gui {

SearchResultsModel::SearchResultsModel(QObject* parent) : QAbstractListModel(parent) {}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(hits_.size());
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::SearchHit& hit = hits_.at(index.row());
    switch (role) {
        case ConversationIdRole:
            return hit.conversationId;
        case MessageIdRole:
            return hit.messageId;
        case Qt::DisplayRole:
        case TitleRole:
            return hit.conversationTitle;
        case SnippetHtmlRole:
            return store::snippetToHtml(hit.snippet);
        default:
            return {};
    }
}

QHash<int, QByteArray> SearchResultsModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {MessageIdRole, "messageId"},
            {TitleRole, "title"},
            {SnippetHtmlRole, "snippetHtml"}};
}

void SearchResultsModel::setHits(const QVector<store::SearchHit>& hits) {
    beginResetModel();
    hits_ = hits;
    endResetModel();
    Q_EMIT countChanged();
}

}  // namespace hearth::gui
