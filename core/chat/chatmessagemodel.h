// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QAbstractListModel>

namespace Switchboard::Core {

// The turns of the open conversation, for the chat view. One row per message; a streaming reply
// changes only its own row (TextRole), so a view re-lays-out one message per token, not all.
class ChatMessageModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatMessageModel)

public:
    enum Role
    {
        RoleRole = Qt::UserRole + 1, // "user" / "assistant"
        TextRole,
        ThinkingRole,
        StateRole,     // ChatMessage::State as int
        StatsLineRole, // "312 ms to first token · 48 tok/s · 12 → 96 tokens · end_turn · 2.1 s"
        ErrorTypeRole,
        ErrorMessageRole,
        MessageIdRole,
        BlocksRole, // images, tool calls and results as ChatBlocksJson text; widgets read at() instead
    };

    explicit ChatMessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<ChatMessage> &messages() const { return m_messages; }
    const ChatMessage &at(int row) const { return m_messages.at(row); }
    void setMessages(QList<ChatMessage> messages);
    void append(const ChatMessage &message);
    void replace(int row, const ChatMessage &message);
    void appendText(int row, const QString &text);
    void appendThinking(int row, const QString &text);
    void setThinkingSignature(int row, const QString &signature);
    void appendToolUse(int row, const ChatToolUse &use);
    void removeFrom(int row);
    void removeMessages(int row, int count);

    static QString statsLine(const ReplyStats &stats);

private:
    QList<ChatMessage> m_messages;
};

} // namespace Switchboard::Core
