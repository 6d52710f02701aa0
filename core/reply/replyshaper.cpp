// SPDX-License-Identifier: MIT
#include "replyshaper.h"

#include "api/ids.h"
#include "thinkingsignature.h"

#include <cstring>

namespace Switchboard::Core {

ReplyShaper::ReplyShaper(Options options, MessageEventSink &out, std::function<void()> stopGeneration)
    : m_options(std::move(options))
    , m_out(out)
    , m_stopGeneration(std::move(stopGeneration))
    , m_matcher(m_options.stopSequences)
{}

Usage ReplyShaper::usage() const
{
    Usage usage;
    usage.inputTokens = m_reported.inputTokens.value_or(m_options.estimatedInputTokens);
    usage.cacheReadInputTokens = m_reported.inputTokens ? m_reported.cacheReadInputTokens.value_or(0) : 0;
    usage.outputTokens = m_reported.outputTokens.value_or(m_generatedPieces);
    return usage;
}

void ReplyShaper::ensureStarted()
{
    if (m_started || m_finished) {
        return;
    }
    m_started = true;
    MessageHeader header{m_options.messageId, m_options.model, usage()};
    header.usage.outputTokens = 0;
    m_out.messageStart(header);
}

void ReplyShaper::textDelta(QByteArrayView utf8)
{
    if (m_finished || utf8.isEmpty()) {
        return;
    }
    ensureStarted();
    ++m_generatedPieces;
    if (!m_matcher.isActive()) {
        writeText(utf8); // nothing to hold back: no copy per token
        return;
    }
    const auto step = m_matcher.feed(utf8);
    writeText(step.text);
    if (step.matchedSequence >= 0) {
        complete(StopReason::StopSequence, m_matcher.sequence(step.matchedSequence));
        if (m_stopGeneration) {
            m_stopGeneration();
        }
    }
}

void ReplyShaper::writeText(QByteArrayView text)
{
    if (text.isEmpty()) {
        return;
    }
    if (m_openKind != BlockKind::Text) {
        openHeldToolCalls(true);
        openBlock(BlockHeader{BlockKind::Text, {}, {}, {}});
    }
    m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::Text, text);
}

void ReplyShaper::releaseHeldText()
{
    writeText(m_matcher.flush());
}

void ReplyShaper::thinkingDelta(QByteArrayView utf8)
{
    if (m_finished || utf8.isEmpty()) {
        return;
    }
    ensureStarted();
    ++m_generatedPieces;
    releaseHeldText();
    if (m_openKind != BlockKind::Thinking) {
        openHeldToolCalls(true);
        openBlock(BlockHeader{BlockKind::Thinking, {}, {}, {}});
    }
    m_thinking.append(utf8.data(), utf8.size());
    if (!m_options.omitThinkingText) {
        m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::Thinking, utf8);
    }
}

void ReplyShaper::thinkingSignature(QByteArrayView signature)
{
    if (m_finished || m_openKind != BlockKind::Thinking || signature.isEmpty()) {
        return;
    }
    m_thinkingSigned = true;
    m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::Signature, signature);
}

void ReplyShaper::toolCallStart(int index, QByteArrayView id, QByteArrayView name)
{
    if (m_finished || m_toolCalls.contains(index)) {
        return;
    }
    ensureStarted();
    releaseHeldText();
    BlockHeader header{
        BlockKind::ToolUse, id.isEmpty() ? derivedToolUseId(index, name) : id.toByteArray(), name.toByteArray(), {}};
    m_calledTool = true;
    ToolCall &call = m_toolCalls[index];
    if (!m_heldToolCalls.empty() || !openToolCallIsComplete()) {
        // Interleaved: the open call may still receive arguments, so this one waits its turn.
        call.header = std::move(header);
        m_heldToolCalls.push_back(index);
        return;
    }
    openBlock(header);
    call.state = ToolCall::State::Open;
    m_openToolCall = index;
    m_openCall = &call;
}

bool ReplyShaper::openToolCallIsComplete() const
{
    return !m_openCall || m_openCall->complete; // no tool call open: nothing to wait for
}

void ReplyShaper::openHeldToolCalls(bool evenIfTheOpenCallIsIncomplete)
{
    while (!m_heldToolCalls.empty() && (evenIfTheOpenCallIsIncomplete || openToolCallIsComplete())) {
        const int index = m_heldToolCalls.front();
        m_heldToolCalls.pop_front();
        ToolCall &call = m_toolCalls.at(index);
        openBlock(call.header);
        call.state = ToolCall::State::Open;
        m_openToolCall = index;
        m_openCall = &call;
        if (!call.heldArguments.isEmpty()) {
            m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::InputJson, call.heldArguments);
            call.heldArguments = QByteArray();
        }
    }
}

void ReplyShaper::ToolCall::scan(QByteArrayView fragment)
{
    const char *at = fragment.data();
    const char *const end = at + fragment.size();
    while (at < end && !complete) {
        if (inString) {
            // Most argument bytes are inside strings: jump to the next quote, then see whether an
            // odd run of backslashes (this fragment's, and one the last fragment ended in) escapes it.
            const auto *quote = static_cast<const char *>(std::memchr(at, '"', std::size_t(end - at)));
            if (!quote) {
                const char *run = end;
                while (run > at && run[-1] == '\\') {
                    --run;
                }
                escaped = ((end - run) + (run == at && escaped ? 1 : 0)) % 2 == 1;
                return;
            }
            const char *run = quote;
            while (run > at && run[-1] == '\\') {
                --run;
            }
            const bool quoteEscaped = ((quote - run) + (run == at && escaped ? 1 : 0)) % 2 == 1;
            escaped = false;
            inString = quoteEscaped;
            at = quote + 1;
            continue;
        }
        const char c = *at++;
        if (c == '"') {
            inString = true;
            escaped = false;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            complete = --depth == 0;
        }
    }
}

QByteArray ReplyShaper::derivedToolUseId(int index, QByteArrayView name)
{
    if (m_toolUseIdSeed.isEmpty()) {
        // Hashed once per answer: the seed may be a request of megabytes.
        m_toolUseIdSeed =
            Ids::seedDigest(m_options.toolUseIdSeed.isEmpty() ? m_options.messageId : m_options.toolUseIdSeed);
    }
    return Ids::toolUseId(m_toolUseIdSeed, index, name);
}

void ReplyShaper::toolCallArguments(int index, QByteArrayView jsonFragment)
{
    if (m_finished || jsonFragment.isEmpty()) {
        return;
    }
    ++m_generatedPieces;
    ToolCall *known = m_openCall && m_openToolCall == index ? m_openCall : nullptr;
    if (!known) {
        const auto found = m_toolCalls.find(index);
        if (found == m_toolCalls.end()) {
            return; // a call the backend never started has no block to go to
        }
        known = &found->second;
    }
    ToolCall &call = *known;
    switch (call.state) {
    case ToolCall::State::Held:
        call.scan(jsonFragment);
        call.heldArguments.append(jsonFragment.data(), jsonFragment.size());
        break;
    case ToolCall::State::Open:
        call.scan(jsonFragment);
        m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::InputJson, jsonFragment);
        if (call.complete) {
            openHeldToolCalls(false);
        }
        break;
    case ToolCall::State::Closed:
        // Only after its arguments were complete, or something else had to open: what comes
        // later cannot make them valid JSON.
        break;
    }
}

void ReplyShaper::usage(const UsageReport &report)
{
    if (m_finished) {
        return;
    }
    if (report.inputTokens) {
        // The prompt's figures come together: the latest report's cache count, or none.
        m_reported.inputTokens = report.inputTokens;
        m_reported.cacheReadInputTokens = report.cacheReadInputTokens.value_or(0);
    }
    if (report.outputTokens) {
        m_reported.outputTokens = report.outputTokens;
    }
    ensureStarted();
}

void ReplyShaper::finished(StopReason reason)
{
    if (m_finished) {
        return;
    }
    ensureStarted();
    releaseHeldText();
    // A turn that called a tool ends in tool_use whatever the backend said (Ollama says "stop").
    complete(m_calledTool ? StopReason::ToolUse : reason, {});
}

void ReplyShaper::failed(const ApiError &error)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_out.error(error);
    m_out.flush();
}

void ReplyShaper::flush()
{
    if (!m_finished) {
        m_out.flush();
    }
}

void ReplyShaper::openBlock(const BlockHeader &header)
{
    closeOpenBlock();
    m_openKind = header.kind;
    m_thinking.clear();
    m_thinkingSigned = false;
    m_out.contentBlockStart(m_nextIndex++, header);
}

void ReplyShaper::closeOpenBlock()
{
    if (!m_openKind) {
        return;
    }
    // Clients echo thinking blocks back with their signature and the SDKs expect one before the stop.
    if (m_openKind == BlockKind::Thinking && !m_thinkingSigned) {
        m_out.contentBlockDelta(m_nextIndex - 1, DeltaKind::Signature, ThinkingSignature::sign(m_thinking));
    }
    m_out.contentBlockStop(m_nextIndex - 1);
    if (m_openCall) {
        m_openCall->state = ToolCall::State::Closed;
        m_openCall = nullptr;
    }
    m_openKind.reset();
    m_openToolCall = -1;
}

void ReplyShaper::complete(StopReason reason, QByteArrayView stopSequence)
{
    openHeldToolCalls(true);
    closeOpenBlock();
    m_finished = true;
    m_out.messageDelta(reason, stopSequence, usage());
    m_out.messageStop();
    m_out.flush();
}

} // namespace Switchboard::Core
