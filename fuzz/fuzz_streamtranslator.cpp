// SPDX-License-Identifier: MIT
// An OpenAI-compatible stream, in arbitrary reads, translated all the way to Anthropic events:
// SseParser → ChatStreamDecoder → ReplyShaper (with stop sequences) → the SSE encoder and the JSON
// assembler. Whatever the backend sends, the client must get a well-formed event sequence; a
// checking sink traps on any breach of the grammar.
#include "backend/openai/chatstreamdecoder.h"
#include "fuzzinput.h"
#include "reply/messageassembler.h"
#include "reply/replyshaper.h"
#include "sse/sseeventencoder.h"
#include "sse/sseparser.h"

using namespace Switchboard::Core;

namespace {

// Traps unless calls follow message_start, (block start, deltas, stop)*, message_delta,
// message_stop — or end in one error — with strictly increasing block indices.
class GrammarCheck final : public MessageEventSink
{
public:
    explicit GrammarCheck(QList<MessageEventSink *> next)
        : m_next(std::move(next))
    {}

    void messageStart(const MessageHeader &header) override
    {
        require(!m_started && !m_ended);
        m_started = true;
        for (auto *sink : m_next) {
            sink->messageStart(header);
        }
    }
    void contentBlockStart(int index, const BlockHeader &block) override
    {
        require(m_started && !m_ended && m_open < 0 && index == m_lastIndex + 1 && !m_delta);
        m_open = m_lastIndex = index;
        for (auto *sink : m_next) {
            sink->contentBlockStart(index, block);
        }
    }
    void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) override
    {
        require(!m_ended && m_open == index);
        for (auto *sink : m_next) {
            sink->contentBlockDelta(index, kind, payload);
        }
    }
    void contentBlockStop(int index) override
    {
        require(!m_ended && m_open == index);
        m_open = -1;
        for (auto *sink : m_next) {
            sink->contentBlockStop(index);
        }
    }
    void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) override
    {
        require(m_started && !m_ended && m_open < 0 && !m_delta);
        m_delta = true;
        for (auto *sink : m_next) {
            sink->messageDelta(reason, stopSequence, usage);
        }
    }
    void messageStop() override
    {
        require(m_delta && !m_ended);
        m_ended = true;
        for (auto *sink : m_next) {
            sink->messageStop();
        }
    }
    void error(const ApiError &error) override
    {
        require(!m_ended && !error.message.isEmpty());
        m_ended = true;
        for (auto *sink : m_next) {
            sink->error(error);
        }
    }
    void flush() override {}

    bool ended() const { return m_ended; }

private:
    static void require(bool condition)
    {
        if (!condition) {
            __builtin_trap();
        }
    }

    QList<MessageEventSink *> m_next;
    bool m_started = false;
    bool m_delta = false;
    bool m_ended = false;
    int m_open = -1;
    int m_lastIndex = -1;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray wire;
    SseEventEncoder encoder(wire, "req_fuzz");
    MessageAssembler assembler;
    GrammarCheck check({&encoder, &assembler});
    bool stopped = false;
    ReplyShaper::Options options{"msg_fuzz", "model", {"STOP", "\n\nHuman:"}, 10, false};
    ReplyShaper shaper(std::move(options), check, [&stopped] { stopped = true; });
    ChatStreamDecoder decoder(shaper, "fuzz");
    SseParser parser(64 * 1024);
    for (const QByteArrayView read : Switchboard::Fuzz::readsOf(data, size)) {
        if (stopped) {
            break; // the backend call is cancelled: nothing more is read
        }
        const bool ok = parser.feed(read, [&](const SseEvent &event) {
            if (!stopped && !decoder.isDone()) {
                decoder.decodeEvent(event.data);
            }
        });
        if (!ok) {
            shaper.failed(ApiError::internal("event too large"));
            break;
        }
        shaper.flush();
    }
    if (!stopped && !decoder.isDone()) {
        decoder.end();
    }
    // A translation always ends: with message_stop or with an error.
    if (!check.ended()) {
        __builtin_trap();
    }
    return 0;
}
