// SPDX-License-Identifier: MIT
#include "chatrequest.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

namespace Switchboard::Core::ChatRequest {

using namespace Qt::StringLiterals;

namespace {

bool isUser(const ChatMessage &message)
{
    return message.role == ChatMessage::Role::User;
}

bool hasBlocks(const ChatMessage &message)
{
    return !message.images.isEmpty() || !message.toolResults.isEmpty() || !message.toolUses.isEmpty();
}

// A failed reply is not part of the conversation, and the API refuses blank turns.
bool isSent(const ChatMessage &message)
{
    if (message.state == ChatMessage::State::Streaming ||
        (!isUser(message) && message.state == ChatMessage::State::Failed)) {
        return false;
    }
    return !message.text.trimmed().isEmpty() || hasBlocks(message);
}

QJsonObject textBlock(const QString &text)
{
    return {{u"type"_s, u"text"_s}, {u"text"_s, text}};
}

// One turn's content blocks, in the order the API wants them: a user turn's tool results first,
// then its images, then its text; an assistant's thinking (signed), then its text, then its calls.
// Only calls in `keptUses` are sent, and results only for those in `answerable`.
QJsonArray blocksOf(const ChatMessage &message, const QSet<QString> &keptUses, const QSet<QString> &answerable)
{
    QJsonArray blocks;
    if (isUser(message)) {
        for (const ChatToolResult &result : message.toolResults) {
            if (!answerable.contains(result.toolUseId)) {
                continue;
            }
            QJsonObject block{{u"type"_s, u"tool_result"_s}, {u"tool_use_id"_s, result.toolUseId}};
            if (!result.content.isEmpty()) {
                block.insert(u"content"_s, result.content);
            }
            if (result.isError) {
                block.insert(u"is_error"_s, true);
            }
            blocks.append(block);
        }
        for (const ChatImage &image : message.images) {
            blocks.append(QJsonObject{{u"type"_s, u"image"_s},
                                      {u"source"_s, QJsonObject{{u"type"_s, u"base64"_s},
                                                                {u"media_type"_s, image.mediaType},
                                                                {u"data"_s, QString::fromLatin1(image.data)}}}});
        }
        if (!message.text.trimmed().isEmpty()) {
            blocks.append(textBlock(message.text));
        }
        return blocks;
    }
    // Thinking goes back only with the calls it led to, where the API requires it; it needs the
    // signature, without which the API refuses the block.
    bool sendsUses = false;
    for (const ChatToolUse &use : message.toolUses) {
        sendsUses = sendsUses || keptUses.contains(use.id);
    }
    if (sendsUses && !message.thinking.isEmpty() && !message.thinkingSignature.isEmpty()) {
        blocks.append(QJsonObject{{u"type"_s, u"thinking"_s},
                                  {u"thinking"_s, message.thinking},
                                  {u"signature"_s, message.thinkingSignature}});
    }
    if (!message.text.trimmed().isEmpty()) {
        blocks.append(textBlock(message.text));
    }
    for (const ChatToolUse &use : message.toolUses) {
        if (keptUses.contains(use.id)) {
            const QJsonObject input = QJsonDocument::fromJson(use.inputJson.toUtf8()).object();
            blocks.append(
                QJsonObject{{u"type"_s, u"tool_use"_s}, {u"id"_s, use.id}, {u"name"_s, use.name}, {u"input"_s, input}});
        }
    }
    return blocks;
}

} // namespace

QJsonArray turns(const QList<ChatMessage> &messages)
{
    QList<ChatMessage> sent;
    for (const ChatMessage &message : messages) {
        if (isSent(message)) {
            sent.append(message);
        }
    }

    // The API pairs every tool_use with a tool_result in the very next turn. A call the user never
    // answered (they wrote something else instead) is left out, and so is an answer to a call that
    // is no longer there; the newest reply's calls stay, as they are what the next turn answers.
    QList<QSet<QString>> keptUses(sent.size());
    QList<QSet<QString>> answerable(sent.size());
    for (qsizetype i = 0; i < sent.size(); ++i) {
        if (isUser(sent[i])) {
            continue;
        }
        qsizetype next = i + 1;
        QSet<QString> answered;
        for (; next < sent.size() && isUser(sent[next]); ++next) {
            for (const ChatToolResult &result : sent[next].toolResults) {
                answered.insert(result.toolUseId);
            }
        }
        const bool newest = i + 1 == sent.size();
        for (const ChatToolUse &use : sent[i].toolUses) {
            if (newest || answered.contains(use.id)) {
                keptUses[i].insert(use.id);
            }
        }
        if (i + 1 < sent.size()) {
            answerable[i + 1] = keptUses[i];
        }
    }

    QJsonArray turns;
    QString pendingRole;
    QJsonValue pendingContent;
    const auto flush = [&] {
        if (!pendingRole.isEmpty()) {
            turns.append(QJsonObject{{u"role"_s, pendingRole}, {u"content"_s, pendingContent}});
        }
    };
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const ChatMessage &message = sent[i];
        // A turn of text alone stays a string, as most clients send it.
        const QJsonValue content =
            hasBlocks(message) ? QJsonValue(blocksOf(message, keptUses[i], answerable[i])) : QJsonValue(message.text);
        if (content.isArray() && content.toArray().isEmpty()) {
            continue; // nothing of it is left to send (calls and answers that lost their partner)
        }
        const QString role = isUser(message) ? u"user"_s : u"assistant"_s;
        if (role != pendingRole) {
            flush();
            pendingRole = role;
            pendingContent = content;
            continue;
        }
        // Turns of one role next to each other (a question whose reply failed, then another) are
        // joined, so that the request keeps alternating.
        if (pendingContent.isString() && content.isString()) {
            pendingContent = QString(pendingContent.toString() + u"\n\n"_s + content.toString());
            continue;
        }
        const auto asBlocks = [](const QJsonValue &value) {
            return value.isString() ? QJsonArray{textBlock(value.toString())} : value.toArray();
        };
        QJsonArray joined = asBlocks(pendingContent);
        const QJsonArray more = asBlocks(content);
        for (const QJsonValue &block : more) {
            // Tool results lead a user turn, whichever of the joined messages held them.
            if (block[u"type"_s].toString() == u"tool_result"_s) {
                qsizetype at = 0;
                while (at < joined.size() && joined[at][u"type"_s].toString() == u"tool_result"_s) {
                    ++at;
                }
                joined.insert(at, block);
            } else {
                joined.append(block);
            }
        }
        pendingContent = joined;
    }
    flush();
    return turns;
}

} // namespace Switchboard::Core::ChatRequest
