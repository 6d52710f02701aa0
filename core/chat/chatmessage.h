// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <optional>

namespace Switchboard::Core {

// The measurements shown under a reply.
struct ReplyStats
{
    qint64 timeToFirstTokenMs = -1; // -1: no token arrived
    qint64 durationMs = 0;
    int inputTokens = 0; // the whole prompt: uncached, cache writes and cache reads together
    int outputTokens = 0;
    QString stopReason;        // end_turn, max_tokens, stop_sequence, tool_use…; empty while unknown
    QString stopSequence;      // the sequence that matched, for stop_reason stop_sequence
    int cachedInputTokens = 0; // of inputTokens, what the backend had cached (cache_read_input_tokens)

    // Output tokens over the time after the first one; 0 when that cannot be told.
    double tokensPerSecond() const
    {
        const qint64 streaming = durationMs - timeToFirstTokenMs;
        return timeToFirstTokenMs >= 0 && streaming > 0 && outputTokens > 1 ? (outputTokens - 1) * 1000.0 / streaming
                                                                            : 0.0;
    }
    bool operator==(const ReplyStats &) const = default;
};

// An image attached to a question, sent as a base64 image block.
struct ChatImage
{
    QString mediaType; // image/png, image/jpeg, image/gif or image/webp
    QByteArray data;   // base64, as the block carries it
    QString fileName;  // where it came from, for the thumbnail's tooltip; not sent

    bool operator==(const ChatImage &) const = default;
};

// A tool call the model made in a reply.
struct ChatToolUse
{
    QString id;
    QString name;
    QString inputJson; // the input object as JSON text

    bool operator==(const ChatToolUse &) const = default;
};

// The user's answer to a tool call, sent as a tool_result block.
struct ChatToolResult
{
    QString toolUseId;
    QString content;
    bool isError = false;

    bool operator==(const ChatToolResult &) const = default;
};

// One turn of a conversation as the playground keeps it.
struct ChatMessage
{
    enum class Role
    {
        User,
        Assistant,
    };
    enum class State
    {
        Complete,
        Streaming, // a reply still arriving (persisted as Stopped if the app dies meanwhile)
        Stopped,   // the user stopped it; the partial text is kept
        Failed,    // the request failed; errorType/errorMessage say why
    };

    qint64 id = 0; // the store's row id; 0 until stored
    Role role = Role::User;
    QString text;
    QString thinking; // an assistant's thinking, when the model produced any
    // The thinking's signature: the API wants thinking sent back signed when a tool loop goes on.
    QString thinkingSignature;
    QList<ChatImage> images;           // user turns
    QList<ChatToolResult> toolResults; // user turns: answers to the previous reply's tool calls
    QList<ChatToolUse> toolUses;       // assistant turns
    State state = State::Complete;
    ReplyStats stats; // assistants only
    QString errorType;
    QString errorMessage;

    bool operator==(const ChatMessage &) const = default;
};

} // namespace Switchboard::Core
