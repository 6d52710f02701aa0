// SPDX-License-Identifier: MIT
#pragma once

#include "reply/generationsink.h"
#include "reply/messageeventsink.h"

#include <QtCore/QByteArrayList>

namespace Switchboard::Test {

// Writes every GenerationSink call as one line ("text hello", "tool 0 id name", "finish end_turn"),
// merging consecutive deltas of one kind so that re-split streams compare equal.
class RecordingGenerationSink final : public Core::GenerationSink
{
public:
    QByteArrayList lines;
    int flushes = 0;

    void textDelta(QByteArrayView utf8) override { append("text ", utf8); }
    void thinkingDelta(QByteArrayView utf8) override { append("thinking ", utf8); }
    void thinkingSignature(QByteArrayView signature) override { lines.append("signature " + signature.toByteArray()); }
    void toolCallStart(int index, QByteArrayView id, QByteArrayView name) override
    {
        lines.append("tool " + QByteArray::number(index) + ' ' + id.toByteArray() + ' ' + name.toByteArray());
    }
    void toolCallArguments(int index, QByteArrayView fragment) override
    {
        append("args " + QByteArray::number(index) + ' ', fragment);
    }
    // "usage INPUT OUTPUT CACHE_READ", "?" for what the report leaves unknown.
    void usage(const Core::UsageReport &report) override
    {
        const auto figure = [](std::optional<int> value) {
            return value ? QByteArray::number(*value) : QByteArray("?");
        };
        lines.append("usage " + figure(report.inputTokens) + ' ' + figure(report.outputTokens) + ' ' +
                     figure(report.cacheReadInputTokens));
    }
    void finished(Core::StopReason reason) override { lines.append("finish " + Core::stopReasonName(reason)); }
    void failed(const Core::ApiError &error) override { lines.append("fail " + error.message); }
    void flush() override { ++flushes; }

private:
    void append(const QByteArray &prefix, QByteArrayView payload)
    {
        if (!lines.isEmpty() && lines.last().startsWith(prefix)) {
            lines.last().append(payload.data(), payload.size());
        } else {
            lines.append(prefix + payload.toByteArray());
        }
    }
};

// Writes every MessageEventSink call as one line, deltas unmerged.
class RecordingEventSink final : public Core::MessageEventSink
{
public:
    QByteArrayList lines;

    void messageStart(const Core::MessageHeader &header) override
    {
        lines.append("message_start " + header.model + " in=" + QByteArray::number(header.usage.inputTokens) +
                     cacheRead(header.usage));
    }
    void contentBlockStart(int index, const Core::BlockHeader &block) override
    {
        static const char *kinds[] = {"text", "thinking", "redacted_thinking", "tool_use"};
        QByteArray line = "block_start " + QByteArray::number(index) + ' ' + kinds[int(block.kind)];
        if (block.kind == Core::BlockKind::ToolUse) {
            line += ' ' + block.toolUseId + ' ' + block.toolName;
        }
        lines.append(line);
    }
    void contentBlockDelta(int index, Core::DeltaKind kind, QByteArrayView payload) override
    {
        static const char *kinds[] = {"text", "thinking", "signature", "json"};
        lines.append("delta " + QByteArray::number(index) + ' ' + kinds[int(kind)] + ' ' + payload.toByteArray());
    }
    void contentBlockStop(int index) override { lines.append("block_stop " + QByteArray::number(index)); }
    void messageDelta(Core::StopReason reason, QByteArrayView stopSequence, const Core::Usage &usage) override
    {
        lines.append("message_delta " + Core::stopReasonName(reason) +
                     (stopSequence.isNull() ? QByteArray() : " seq=" + stopSequence.toByteArray()) +
                     " in=" + QByteArray::number(usage.inputTokens) + " out=" + QByteArray::number(usage.outputTokens) +
                     cacheRead(usage));
    }
    void messageStop() override { lines.append("message_stop"); }
    void error(const Core::ApiError &error) override
    {
        lines.append("error " + error.typeName() + ' ' + error.message);
    }
    void flush() override {}

private:
    // Only when there is one, so that lines of answers without a cache read as they always have.
    static QByteArray cacheRead(const Core::Usage &usage)
    {
        return usage.cacheReadInputTokens == 0 ? QByteArray()
                                               : " cached=" + QByteArray::number(usage.cacheReadInputTokens);
    }
};

} // namespace Switchboard::Test
