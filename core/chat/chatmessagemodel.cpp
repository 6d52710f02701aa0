// SPDX-License-Identifier: MIT
#include "chatmessagemodel.h"

#include "chatblocksjson.h"

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

ChatMessageModel::ChatMessageModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ChatMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

QVariant ChatMessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ChatMessage &message = m_messages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return message.text;
    case RoleRole:
        return message.role == ChatMessage::Role::User ? u"user"_s : u"assistant"_s;
    case ThinkingRole:
        return message.thinking;
    case StateRole:
        return int(message.state);
    case StatsLineRole:
        return message.role == ChatMessage::Role::Assistant && message.state != ChatMessage::State::Streaming
                   ? statsLine(message.stats)
                   : QString();
    case ErrorTypeRole:
        return message.errorType;
    case ErrorMessageRole:
        return message.errorMessage;
    case MessageIdRole:
        return message.id;
    case BlocksRole:
        return ChatBlocksJson::write(message);
    default:
        return {};
    }
}

QHash<int, QByteArray> ChatMessageModel::roleNames() const
{
    return {{RoleRole, "role"},
            {TextRole, "text"},
            {ThinkingRole, "thinking"},
            {StateRole, "state"},
            {StatsLineRole, "statsLine"},
            {ErrorTypeRole, "errorType"},
            {ErrorMessageRole, "errorMessage"},
            {MessageIdRole, "messageId"},
            {BlocksRole, "blocks"}};
}

void ChatMessageModel::setMessages(QList<ChatMessage> messages)
{
    beginResetModel();
    m_messages = std::move(messages);
    endResetModel();
}

void ChatMessageModel::append(const ChatMessage &message)
{
    const int row = int(m_messages.size());
    beginInsertRows({}, row, row);
    m_messages.append(message);
    endInsertRows();
}

void ChatMessageModel::replace(int row, const ChatMessage &message)
{
    m_messages[row] = message;
    Q_EMIT dataChanged(index(row), index(row));
}

void ChatMessageModel::appendText(int row, const QString &text)
{
    m_messages[row].text += text;
    Q_EMIT dataChanged(index(row), index(row), {TextRole, Qt::DisplayRole});
}

void ChatMessageModel::appendThinking(int row, const QString &text)
{
    m_messages[row].thinking += text;
    Q_EMIT dataChanged(index(row), index(row), {ThinkingRole});
}

void ChatMessageModel::setThinkingSignature(int row, const QString &signature)
{
    // Not shown anywhere: no view needs to hear of it.
    m_messages[row].thinkingSignature = signature;
}

void ChatMessageModel::appendToolUse(int row, const ChatToolUse &use)
{
    m_messages[row].toolUses.append(use);
    Q_EMIT dataChanged(index(row), index(row), {BlocksRole});
}

void ChatMessageModel::removeFrom(int row)
{
    if (row < m_messages.size()) {
        removeMessages(row, int(m_messages.size()) - row);
    }
}

void ChatMessageModel::removeMessages(int row, int count)
{
    if (count <= 0) {
        return;
    }
    beginRemoveRows({}, row, row + count - 1);
    m_messages.remove(row, count);
    endRemoveRows();
}

QString ChatMessageModel::statsLine(const ReplyStats &stats)
{
    QStringList parts;
    if (stats.timeToFirstTokenMs >= 0) {
        parts << tr("%1 ms to first token").arg(stats.timeToFirstTokenMs);
    }
    if (const double rate = stats.tokensPerSecond(); rate > 0) {
        parts << tr("%1 tok/s").arg(rate, 0, 'f', 1);
    }
    parts << (stats.cachedInputTokens > 0 ? tr("%1 → %2 tokens (%3 cached)")
                                                .arg(stats.inputTokens)
                                                .arg(stats.outputTokens)
                                                .arg(stats.cachedInputTokens)
                                          : tr("%1 → %2 tokens").arg(stats.inputTokens).arg(stats.outputTokens));
    if (!stats.stopReason.isEmpty()) {
        parts << (stats.stopSequence.isEmpty() ? stats.stopReason
                                               : tr("%1 “%2”").arg(stats.stopReason, stats.stopSequence));
    }
    parts << tr("%1 s").arg(stats.durationMs / 1000.0, 0, 'f', 1);
    return parts.join(u" · "_s);
}

} // namespace Switchboard::Core
