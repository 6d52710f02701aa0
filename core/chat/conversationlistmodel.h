// SPDX-License-Identifier: MIT
#pragma once

#include "conversationsummary.h"

#include <QtCore/QAbstractListModel>

namespace Switchboard::Core {

// The sidebar's conversations, most recently used first.
class ConversationListModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConversationListModel)

public:
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        UpdatedRole,
    };

    explicit ConversationListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void setConversations(QList<ConversationSummary> conversations);
    int rowOf(qint64 id) const; // -1 when absent

private:
    QList<ConversationSummary> m_conversations;
};

} // namespace Switchboard::Core
