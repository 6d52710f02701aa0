// SPDX-License-Identifier: MIT
#pragma once

#include "generationsink.h"
#include "messageeventsink.h"
#include "stopsequencematcher.h"

#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

namespace Switchboard::Core {

// Turns what any backend generates into the exact Anthropic event grammar, in one place:
// message_start on the first sign of life, one open block at a time with increasing indices, no
// blocks for empty deltas, stop sequences matched by Switchboard (the backend is stopped on a match),
// `tool_use` as the stop reason whenever a tool was called, and usage that is never missing.
//
// Parallel tool calls: some servers interleave them (call 0's name, call 1's name, call 0's
// arguments, call 1's arguments...), which one open block at a time cannot follow. A call that
// starts while the open tool_use block's arguments are not yet a whole JSON object is held, with the
// arguments that arrive for it, and given its block whole (start, one input_json_delta, stop) as
// soon as the open call's arguments are complete; the last held call stays open and streams live.
// In-order calls (the usual case) are complete when the next one starts and stream as before: the
// only cost is a scan of each argument byte for brackets and quotes, no copy. A call whose
// arguments never become valid JSON (a model cut off) is closed as it is when anything else must
// open, and held calls go out whole before any text or thinking and at the end. Holding rather
// than reordering: indices must increase and one block is open at a time, so a later call cannot
// go out before an earlier one ends. A call with no arguments yet counts as incomplete, so a call
// after one that never gets any waits for the end of the reply (late, but whole).
class ReplyShaper final : public GenerationSink
{
public:
    struct Options
    {
        QByteArray messageId;
        QByteArray model; // the name the client asked for
        std::vector<QByteArray> stopSequences;
        int estimatedInputTokens = 0;  // used until the backend reports the real count
        bool omitThinkingText = false; // thinking.display "omitted": blocks and signatures, no text
        // What the ids of tool calls the backend left unnamed are derived from, with each call's
        // index and name: the request as the client sent it, so that the same request answered the
        // same way gets the same ids. Empty: the message id.
        QByteArray toolUseIdSeed{};
    };

    // `stopGeneration` cancels the backend once the reply is complete on our side (a stop sequence).
    ReplyShaper(Options options, MessageEventSink &out, std::function<void()> stopGeneration);

    // Sends message_start now if it has not gone out (a keep-alive ping must follow one).
    void ensureStarted();
    bool hasStarted() const { return m_started; }
    bool isFinished() const { return m_finished; }
    Usage usage() const;

    void textDelta(QByteArrayView utf8) override;
    void thinkingDelta(QByteArrayView utf8) override;
    void thinkingSignature(QByteArrayView signature) override;
    void toolCallStart(int index, QByteArrayView id, QByteArrayView name) override;
    void toolCallArguments(int index, QByteArrayView jsonFragment) override;
    void usage(const UsageReport &report) override;
    void finished(StopReason reason) override;
    void failed(const ApiError &error) override;
    void flush() override;

private:
    void writeText(QByteArrayView text);
    void releaseHeldText();
    void openBlock(const BlockHeader &header);
    void closeOpenBlock();
    void complete(StopReason reason, QByteArrayView stopSequence);
    QByteArray derivedToolUseId(int index, QByteArrayView name);
    bool openToolCallIsComplete() const;
    void openHeldToolCalls(bool evenIfTheOpenCallIsIncomplete);

    // One tool call by its backend index: where its block is, and how far its arguments have come.
    struct ToolCall
    {
        enum class State
        {
            Held, // started while another call's arguments were incomplete: no block yet
            Open,
            Closed,
        };
        State state = State::Held;
        BlockHeader header;       // while held
        QByteArray heldArguments; // while held
        int depth = 0;            // unclosed { and [ in the arguments so far, outside strings
        bool inString = false;
        bool escaped = false;
        bool complete = false; // a whole object or array has been seen

        // Follows the arguments' brackets and strings: enough to tell a complete JSON object or
        // array from a part of one, not to validate it.
        void scan(QByteArrayView fragment);
    };

    Options m_options;
    MessageEventSink &m_out;
    std::function<void()> m_stopGeneration;
    StopSequenceMatcher m_matcher;

    bool m_started = false;
    bool m_finished = false;
    int m_nextIndex = 0;
    std::optional<BlockKind> m_openKind;
    int m_openToolCall = -1; // backend index of the open tool_use block
    // Every call the backend started, by its index; nodes stay put, so the open one is kept at hand
    // for the arguments that stream into it.
    std::unordered_map<int, ToolCall> m_toolCalls;
    ToolCall *m_openCall = nullptr;
    std::deque<int> m_heldToolCalls; // backend indices of held calls, in the order they started
    bool m_calledTool = false;
    UsageReport m_reported;
    int m_generatedPieces = 0; // deltas received: the output count when the backend reports none
    QByteArray m_thinking;     // the open thinking block's text, to sign it if the backend did not
    bool m_thinkingSigned = false;
    QByteArray m_toolUseIdSeed; // the seed's digest, made when a first id is needed
};

} // namespace Switchboard::Core
