// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <optional>

namespace Switchboard::Core {

// The measurements shown under a reply.
struct ReplyStats
{
    qint64 timeToFirstTokenMs = -1; // -1: no token arrived
    qint64 durationMs = 0;
    int inputTokens = 0;
    int outputTokens = 0;
    QString stopReason;   // end_turn, max_tokens, stop_sequence, tool_use…; empty while unknown
    QString stopSequence; // the sequence that matched, for stop_reason stop_sequence

    // Output tokens over the time after the first one; 0 when that cannot be told.
    double tokensPerSecond() const
    {
        const qint64 streaming = durationMs - timeToFirstTokenMs;
        return timeToFirstTokenMs >= 0 && streaming > 0 && outputTokens > 1 ? (outputTokens - 1) * 1000.0 / streaming
                                                                            : 0.0;
    }
    bool operator==(const ReplyStats &) const = default;
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
    State state = State::Complete;
    ReplyStats stats; // assistants only
    QString errorType;
    QString errorMessage;

    bool operator==(const ChatMessage &) const = default;
};

} // namespace Switchboard::Core
