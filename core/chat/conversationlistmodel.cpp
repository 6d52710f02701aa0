// SPDX-License-Identifier: MIT
#include "conversationlistmodel.h"

#include <QtCore/QLocale>

namespace Switchboard::Core {

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_conversations.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ConversationSummary &conversation = m_conversations.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return conversation.title;
    case Qt::ToolTipRole:
        return tr("%1\nLast used %2")
            .arg(conversation.title, QLocale().toString(conversation.updatedAt.toLocalTime(), QLocale::ShortFormat));
    case IdRole:
        return conversation.id;
    case UpdatedRole:
        return conversation.updatedAt;
    default:
        return {};
    }
}

void ConversationListModel::setConversations(QList<ConversationSummary> conversations)
{
    beginResetModel();
    m_conversations = std::move(conversations);
    endResetModel();
}

int ConversationListModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_conversations.size(); ++row) {
        if (m_conversations.at(row).id == id) {
            return row;
        }
    }
    return -1;
}

} // namespace Switchboard::Core
