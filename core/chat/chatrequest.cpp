// SPDX-License-Identifier: MIT
#include "chatrequest.h"

#include <QtCore/QJsonObject>

namespace Switchboard::Core::ChatRequest {

using namespace Qt::StringLiterals;

QJsonArray turns(const QList<ChatMessage> &messages)
{
    QJsonArray turns;
    QString pendingRole;
    QString pendingText;
    const auto flush = [&] {
        if (!pendingRole.isEmpty()) {
            turns.append(QJsonObject{{u"role"_s, pendingRole}, {u"content"_s, pendingText}});
        }
    };
    for (const ChatMessage &message : messages) {
        const bool isUser = message.role == ChatMessage::Role::User;
        // A failed reply is not part of the conversation, and the API refuses blank turns.
        if (message.text.trimmed().isEmpty() || message.state == ChatMessage::State::Streaming ||
            (!isUser && message.state == ChatMessage::State::Failed)) {
            continue;
        }
        const QString role = isUser ? u"user"_s : u"assistant"_s;
        if (role == pendingRole) {
            pendingText += u"\n\n"_s + message.text;
            continue;
        }
        flush();
        pendingRole = role;
        pendingText = message.text;
    }
    flush();
    return turns;
}

} // namespace Switchboard::Core::ChatRequest
