// SPDX-License-Identifier: MIT
#include "chatrequest.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace Switchboard::Core::ChatRequest {

using namespace Qt::StringLiterals;

QByteArray body(const ChatSettings &settings, const QList<ChatMessage> &messages)
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
        if (message.text.isEmpty() || (!isUser && message.state == ChatMessage::State::Failed) ||
            message.state == ChatMessage::State::Streaming) {
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

    QJsonObject request{{u"model"_s, settings.model}, {u"max_tokens"_s, settings.maxTokens}};
    if (!settings.system.isEmpty()) {
        request[u"system"_s] = settings.system;
    }
    if (settings.temperature) {
        request[u"temperature"_s] = *settings.temperature;
    }
    if (settings.topP) {
        request[u"top_p"_s] = *settings.topP;
    }
    if (settings.topK) {
        request[u"top_k"_s] = *settings.topK;
    }
    if (!settings.stopSequences.isEmpty()) {
        request[u"stop_sequences"_s] = QJsonArray::fromStringList(settings.stopSequences);
    }
    if (settings.stream) {
        request[u"stream"_s] = true;
    }
    request[u"messages"_s] = turns;
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

} // namespace Switchboard::Core::ChatRequest
