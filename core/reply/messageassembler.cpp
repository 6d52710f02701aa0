// SPDX-License-Identifier: MIT
#include "messageassembler.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"
#include "sse/sseeventencoder.h"

namespace Switchboard::Core {

namespace {

// A tool's arguments must reach the client as an object. Models sometimes emit broken JSON; the
// API can never return that, so an unparsable input becomes {} (streaming clients saw the raw text).
QByteArray toolInputObject(const QByteArray &text)
{
    if (text.trimmed().isEmpty()) {
        return QByteArrayLiteral("{}");
    }
    JsonParser parser;
    simdjson::dom::element input;
    if (parser.parse(text).get(input) != simdjson::SUCCESS || !input.is_object()) {
        return QByteArrayLiteral("{}");
    }
    return Json::serialize(input);
}

} // namespace

void MessageAssembler::messageStart(const MessageHeader &header)
{
    m_header = header;
    m_usage = header.usage;
}

void MessageAssembler::contentBlockStart(int index, const BlockHeader &block)
{
    if (index != int(m_blocks.size())) {
        return; // the shaper guarantees increasing indices; anything else is ignored
    }
    m_blocks.push_back(Block{block, {}, {}});
}

void MessageAssembler::contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload)
{
    if (index < 0 || index >= int(m_blocks.size())) {
        return;
    }
    Block &block = m_blocks[std::size_t(index)];
    if (kind == DeltaKind::Signature) {
        block.signature = payload.toByteArray();
    } else {
        block.text.append(payload.data(), payload.size());
    }
}

void MessageAssembler::contentBlockStop(int) {}

void MessageAssembler::messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage)
{
    m_stopReason = reason;
    m_stopSequence = stopSequence.isNull() ? QByteArray() : stopSequence.toByteArray();
    m_usage = usage;
}

void MessageAssembler::messageStop()
{
    m_complete = true;
}

void MessageAssembler::error(const ApiError &error)
{
    m_error = error;
}

QByteArray MessageAssembler::toJson() const
{
    QByteArray out;
    JsonWriter json(out);
    json.beginObject();
    json.field("id", m_header.id);
    json.field("type", "message");
    json.field("role", "assistant");
    json.field("model", m_header.model);
    json.key("content").beginArray();
    for (const Block &block : m_blocks) {
        json.beginObject();
        switch (block.header.kind) {
        case BlockKind::Text:
            json.field("type", "text");
            json.field("text", block.text);
            break;
        case BlockKind::Thinking:
            json.field("type", "thinking");
            json.field("thinking", block.text);
            json.field("signature", block.signature);
            break;
        case BlockKind::RedactedThinking:
            json.field("type", "redacted_thinking");
            json.field("data", block.header.redactedData);
            break;
        case BlockKind::ToolUse:
            json.field("type", "tool_use");
            json.field("id", block.header.toolUseId);
            json.field("name", block.header.toolName);
            json.key("input").raw(toolInputObject(block.text));
            break;
        }
        json.endObject();
    }
    json.endArray();
    json.field("stop_reason", stopReasonName(m_stopReason));
    if (m_stopSequence.isNull()) {
        json.key("stop_sequence").null();
    } else {
        json.field("stop_sequence", m_stopSequence);
    }
    json.key("usage");
    writeUsage(json, m_usage);
    json.endObject();
    return out;
}

} // namespace Switchboard::Core
