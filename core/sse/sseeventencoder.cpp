// SPDX-License-Identifier: MIT
#include "sseeventencoder.h"

#include "json/jsonwriter.h"

#include <charconv>

namespace Switchboard::Core {

void writeUsage(JsonWriter &json, const Usage &usage)
{
    json.beginObject();
    json.field("input_tokens", usage.inputTokens);
    json.field("cache_creation_input_tokens", usage.cacheCreationInputTokens);
    json.field("cache_read_input_tokens", usage.cacheReadInputTokens);
    json.field("output_tokens", usage.outputTokens);
    json.endObject();
}

SseEventEncoder::SseEventEncoder(QByteArray &out, QByteArray requestId)
    : m_out(out)
    , m_requestId(std::move(requestId))
{}

void SseEventEncoder::frame(QByteArrayView name, const QByteArray &json)
{
    m_out.append("event: ");
    m_out.append(name.data(), name.size());
    m_out.append("\ndata: ");
    m_out.append(json);
    m_out.append("\n\n");
}

void SseEventEncoder::messageStart(const MessageHeader &header)
{
    QByteArray data;
    JsonWriter json(data);
    json.beginObject();
    json.field("type", "message_start");
    json.key("message").beginObject();
    json.field("id", header.id);
    json.field("type", "message");
    json.field("role", "assistant");
    json.key("content").beginArray().endArray();
    json.field("model", header.model);
    json.key("stop_reason").null();
    json.key("stop_sequence").null();
    json.key("usage");
    writeUsage(json, header.usage);
    json.endObject();
    json.endObject();
    frame("message_start", data);
}

void SseEventEncoder::contentBlockStart(int index, const BlockHeader &block)
{
    QByteArray data;
    JsonWriter json(data);
    json.beginObject();
    json.field("type", "content_block_start");
    json.field("index", index);
    json.key("content_block").beginObject();
    switch (block.kind) {
    case BlockKind::Text:
        json.field("type", "text");
        json.field("text", "");
        break;
    case BlockKind::Thinking:
        // Both SDKs concatenate onto these fields without a default: they must be present.
        json.field("type", "thinking");
        json.field("thinking", "");
        json.field("signature", "");
        break;
    case BlockKind::RedactedThinking:
        json.field("type", "redacted_thinking");
        json.field("data", block.redactedData);
        break;
    case BlockKind::ToolUse:
        json.field("type", "tool_use");
        json.field("id", block.toolUseId);
        json.field("name", block.toolName);
        json.key("input").beginObject().endObject();
        break;
    }
    json.endObject();
    json.endObject();
    frame("content_block_start", data);
}

void SseEventEncoder::contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload)
{
    // The event of every token: built from constant pieces in one buffer, not field by field.
    QByteArrayView delta;
    switch (kind) {
    case DeltaKind::Text:
        delta = R"(,"delta":{"type":"text_delta","text":)";
        break;
    case DeltaKind::Thinking:
        delta = R"(,"delta":{"type":"thinking_delta","thinking":)";
        break;
    case DeltaKind::Signature:
        delta = R"(,"delta":{"type":"signature_delta","signature":)";
        break;
    case DeltaKind::InputJson:
        delta = R"(,"delta":{"type":"input_json_delta","partial_json":)";
        break;
    }
    char number[16];
    const auto digits = std::to_chars(number, number + sizeof number, index).ptr;
    m_out.reserve(m_out.size() + 160 + payload.size());
    m_out.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":");
    m_out.append(number, digits - number);
    m_out.append(delta.data(), delta.size());
    JsonWriter::appendString(m_out, payload);
    m_out.append("}}\n\n");
}

void SseEventEncoder::contentBlockStop(int index)
{
    QByteArray data;
    JsonWriter json(data);
    json.beginObject();
    json.field("type", "content_block_stop");
    json.field("index", index);
    json.endObject();
    frame("content_block_stop", data);
}

void SseEventEncoder::messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage)
{
    QByteArray data;
    JsonWriter json(data);
    json.beginObject();
    json.field("type", "message_delta");
    json.key("delta").beginObject();
    json.field("stop_reason", stopReasonName(reason));
    if (stopSequence.isNull()) {
        json.key("stop_sequence").null();
    } else {
        json.field("stop_sequence", stopSequence);
    }
    json.endObject();
    // Cumulative, and always present: the TS SDK reads usage.output_tokens unconditionally.
    json.key("usage");
    writeUsage(json, usage);
    json.endObject();
    frame("message_delta", data);
}

void SseEventEncoder::messageStop()
{
    frame("message_stop", QByteArrayLiteral("{\"type\":\"message_stop\"}"));
}

void SseEventEncoder::ping()
{
    frame("ping", QByteArrayLiteral("{\"type\":\"ping\"}"));
}

void SseEventEncoder::error(const ApiError &error)
{
    frame("error", error.toJson(m_requestId));
}

} // namespace Switchboard::Core
