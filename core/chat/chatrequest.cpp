// SPDX-License-Identifier: MIT
#include "chatrequest.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"

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

// One content block, serialised, and whether it is a tool result (those lead a user turn).
struct Block
{
    QByteArray json;
    bool isToolResult = false;
};

// A turn on its way out: text alone stays a string, as most clients send it; anything else is blocks.
struct Turn
{
    bool user = true;
    bool isText = true;
    QString text;
    QList<Block> blocks;
};

QByteArray utf8(const QString &text)
{
    return text.toUtf8();
}

Block textBlock(const QString &text)
{
    QByteArray json;
    JsonWriter(json).beginObject().field("type", "text").field("text", utf8(text)).endObject();
    return {json, false};
}

// The call's input as the model wrote it; an input that is not a JSON object (a store edited by
// hand) goes as an empty one, which the API accepts.
QByteArray toolInput(const QString &inputJson)
{
    const QByteArray input = inputJson.toUtf8();
    return Json::isObject(input) ? input : QByteArrayLiteral("{}");
}

// One turn's content blocks, in the order the API wants them: a user turn's tool results first,
// then its images, then its text; an assistant's thinking (signed), then its text, then its calls.
// Only calls in `keptUses` are sent, and results only for those in `answerable`.
QList<Block> blocksOf(const ChatMessage &message, const QSet<QString> &keptUses, const QSet<QString> &answerable)
{
    QList<Block> blocks;
    if (isUser(message)) {
        for (const ChatToolResult &result : message.toolResults) {
            if (!answerable.contains(result.toolUseId)) {
                continue;
            }
            QByteArray json;
            JsonWriter block(json);
            block.beginObject().field("type", "tool_result").field("tool_use_id", utf8(result.toolUseId));
            if (!result.content.isEmpty()) {
                block.field("content", utf8(result.content));
            }
            if (result.isError) {
                block.field("is_error", true);
            }
            block.endObject();
            blocks.append({json, true});
        }
        for (const ChatImage &image : message.images) {
            QByteArray json;
            JsonWriter(json)
                .beginObject()
                .field("type", "image")
                .key("source")
                .beginObject()
                .field("type", "base64")
                .field("media_type", utf8(image.mediaType))
                .field("data", image.data)
                .endObject()
                .endObject();
            blocks.append({json, false});
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
        QByteArray json;
        JsonWriter(json)
            .beginObject()
            .field("type", "thinking")
            .field("thinking", utf8(message.thinking))
            .field("signature", utf8(message.thinkingSignature))
            .endObject();
        blocks.append({json, false});
    }
    if (!message.text.trimmed().isEmpty()) {
        blocks.append(textBlock(message.text));
    }
    for (const ChatToolUse &use : message.toolUses) {
        if (keptUses.contains(use.id)) {
            QByteArray json;
            JsonWriter(json)
                .beginObject()
                .field("type", "tool_use")
                .field("id", utf8(use.id))
                .field("name", utf8(use.name))
                .key("input")
                .raw(toolInput(use.inputJson))
                .endObject();
            blocks.append({json, false});
        }
    }
    return blocks;
}

void write(JsonWriter &out, const Turn &turn)
{
    out.beginObject().field("role", turn.user ? "user" : "assistant").key("content");
    if (turn.isText) {
        out.value(utf8(turn.text));
    } else {
        out.beginArray();
        for (const Block &block : turn.blocks) {
            out.raw(block.json);
        }
        out.endArray();
    }
    out.endObject();
}

} // namespace

QByteArray turns(const QList<ChatMessage> &messages)
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

    QList<Turn> joined;
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const ChatMessage &message = sent[i];
        Turn turn{isUser(message), !hasBlocks(message), message.text, {}};
        if (!turn.isText) {
            turn.blocks = blocksOf(message, keptUses[i], answerable[i]);
            if (turn.blocks.isEmpty()) {
                continue; // nothing of it is left to send (calls and answers that lost their partner)
            }
        }
        if (joined.isEmpty() || joined.last().user != turn.user) {
            joined.append(turn);
            continue;
        }
        // Turns of one role next to each other (a question whose reply failed, then another) are
        // joined, so that the request keeps alternating.
        Turn &pending = joined.last();
        if (pending.isText && turn.isText) {
            pending.text += u"\n\n"_s + turn.text;
            continue;
        }
        if (pending.isText) {
            pending.blocks = {textBlock(pending.text)};
            pending.isText = false;
        }
        const QList<Block> more = turn.isText ? QList<Block>{textBlock(turn.text)} : turn.blocks;
        for (const Block &block : more) {
            // Tool results lead a user turn, whichever of the joined messages held them.
            if (block.isToolResult) {
                qsizetype at = 0;
                while (at < pending.blocks.size() && pending.blocks[at].isToolResult) {
                    ++at;
                }
                pending.blocks.insert(at, block);
            } else {
                pending.blocks.append(block);
            }
        }
    }

    QByteArray out;
    JsonWriter writer(out);
    writer.beginArray();
    for (const Turn &turn : joined) {
        write(writer, turn);
    }
    writer.endArray();
    return out;
}

} // namespace Switchboard::Core::ChatRequest
