// SPDX-License-Identifier: MIT
#include "chatstreamdecoder.h"

#include "backend/upstreamerror.h"
#include "json/jsonparser.h"

namespace Switchboard::Core {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

namespace {

StopReason stopReasonFromFinish(std::string_view finish)
{
    if (finish == "length") {
        return StopReason::MaxTokens;
    }
    if (finish == "tool_calls" || finish == "function_call") {
        return StopReason::ToolUse;
    }
    if (finish == "content_filter") {
        return StopReason::Refusal;
    }
    return StopReason::EndTurn; // "stop", "eos", and whatever else a server invents
}

std::string_view stringField(object fields, std::string_view key)
{
    std::string_view value;
    if (fields.at_key(key).get_string().get(value) != simdjson::SUCCESS) {
        return {};
    }
    return value;
}

std::string_view stringValue(element value)
{
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
        return {};
    }
    return text;
}

QByteArrayView view(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

} // namespace

struct ChatStreamDecoder::Reader
{
    ChatStreamDecoder &d;

    // Objects are walked once, field by field: a chunk arrives per token, and looking each key
    // up separately walks the object again for every key.
    void choice(object fields, bool streamed)
    {
        const std::string_view deltaKey = streamed ? "delta" : "message";
        for (const auto field : fields) {
            if (field.key == deltaKey) {
                object delta;
                if (field.value.get_object().get(delta) == simdjson::SUCCESS) {
                    message(delta);
                }
            } else if (field.key == "finish_reason") {
                std::string_view finish;
                if (field.value.get_string().get(finish) == simdjson::SUCCESS && !finish.empty()) {
                    d.m_finishReason = stopReasonFromFinish(finish);
                }
            }
        }
    }

    void message(object delta)
    {
        // Servers name reasoning differently: llama.cpp/vLLM/DeepSeek `reasoning_content`,
        // Ollama and OpenRouter `reasoning`. Text follows reasoning, whatever the field order.
        std::string_view reasoningContent;
        std::string_view reasoning;
        std::string_view content;
        array calls;
        bool hasCalls = false;
        for (const auto field : delta) {
            if (field.key == "content") {
                content = stringValue(field.value);
            } else if (field.key == "reasoning_content") {
                reasoningContent = stringValue(field.value);
            } else if (field.key == "reasoning") {
                reasoning = stringValue(field.value);
            } else if (field.key == "tool_calls") {
                hasCalls = field.value.get_array().get(calls) == simdjson::SUCCESS;
            }
        }
        if (reasoningContent.empty()) {
            reasoningContent = reasoning;
        }
        if (!reasoningContent.empty()) {
            d.m_sink.thinkingDelta(view(reasoningContent));
        }
        if (!content.empty()) {
            d.m_sink.textDelta(view(content));
        }
        if (hasCalls) {
            int position = 0;
            for (element call : calls) {
                if (call.is_object()) {
                    toolCall(call.get_object(), position);
                }
                ++position;
            }
        }
    }

    void toolCall(object call, int fallbackIndex)
    {
        int64_t index = fallbackIndex;
        if (call.at_key("index").get_int64().get(index) != simdjson::SUCCESS) {
            index = fallbackIndex;
        }
        ToolCall &state = d.m_toolCalls[int(index)];
        const std::string_view id = stringField(call, "id");
        if (state.id.isEmpty() && !id.empty()) {
            state.id = Json::toBytes(id);
        }
        std::string_view arguments;
        object function;
        if (call.at_key("function").get_object().get(function) == simdjson::SUCCESS) {
            const std::string_view name = stringField(function, "name");
            if (state.name.isEmpty() && !name.empty()) {
                state.name = Json::toBytes(name);
            }
            arguments = stringField(function, "arguments");
            if (arguments.empty()) {
                // A few servers send arguments as an object rather than a JSON string.
                object argumentObject;
                if (function.at_key("arguments").get_object().get(argumentObject) == simdjson::SUCCESS) {
                    state.pendingArguments.append(Json::serialize(function["arguments"].value()));
                }
            }
        }
        if (!state.started && !state.name.isEmpty()) {
            state.started = true;
            d.m_sink.toolCallStart(int(index), state.id, state.name);
            if (!state.pendingArguments.isEmpty()) {
                d.m_sink.toolCallArguments(int(index), std::exchange(state.pendingArguments, QByteArray()));
            }
        }
        if (!arguments.empty()) {
            if (state.started) {
                d.m_sink.toolCallArguments(int(index), view(arguments));
            } else {
                state.pendingArguments.append(arguments.data(), qsizetype(arguments.size()));
            }
        }
    }

    void usage(object fields)
    {
        UsageReport report;
        int64_t value = 0;
        if (fields.at_key("prompt_tokens").get_int64().get(value) == simdjson::SUCCESS) {
            report.inputTokens = int(value);
        }
        if (fields.at_key("completion_tokens").get_int64().get(value) == simdjson::SUCCESS) {
            report.outputTokens = int(value);
        }
        if (report.inputTokens || report.outputTokens) {
            d.m_sink.usage(report);
        }
    }

    // Returns false when the payload was an error report.
    bool document(object root, bool streamed)
    {
        element error;
        array choices;
        object usageFields;
        bool hasError = false;
        bool hasChoices = false;
        bool hasUsage = false;
        for (const auto field : root) {
            if (field.key == "choices") {
                hasChoices = field.value.get_array().get(choices) == simdjson::SUCCESS;
            } else if (field.key == "usage") {
                hasUsage = field.value.get_object().get(usageFields) == simdjson::SUCCESS;
            } else if (field.key == "error") {
                error = field.value;
                hasError = !error.is_null();
            }
        }
        if (hasError) {
            QByteArray message;
            if (error.is_object()) {
                message = Json::stringAt(error.get_object(), "message");
            } else if (error.is_string()) {
                message = Json::toBytes(std::string_view(error));
            }
            d.fail("Backend '" + d.m_backendName + "' reported an error" +
                   (message.isEmpty() ? QByteArray() : ": " + message));
            return false;
        }
        if (hasChoices) {
            for (element item : choices) {
                if (!item.is_object()) {
                    continue;
                }
                int64_t index = 0;
                if (item.at_key("index").get_int64().get(index) == simdjson::SUCCESS && index != 0) {
                    continue; // n > 1 is never requested; follow the first choice only
                }
                choice(item.get_object(), streamed);
                break;
            }
        }
        if (hasUsage) {
            usage(usageFields);
        }
        return true;
    }
};

ChatStreamDecoder::ChatStreamDecoder(GenerationSink &sink, QByteArray backendName)
    : m_sink(sink)
    , m_backendName(std::move(backendName))
{}

void ChatStreamDecoder::decodeEvent(QByteArrayView data)
{
    if (m_done) {
        return;
    }
    const QByteArrayView trimmed = data.trimmed();
    if (trimmed == "[DONE]") {
        finish();
        return;
    }
    if (trimmed.isEmpty()) {
        return;
    }
    JsonParser parser;
    element root;
    if (parser.parse(trimmed).get(root) != simdjson::SUCCESS || !root.is_object()) {
        fail("Backend '" + m_backendName + "' sent a stream event that is not valid JSON");
        return;
    }
    Reader{*this}.document(root.get_object(), true);
}

void ChatStreamDecoder::decodeCompletion(QByteArrayView json)
{
    if (m_done) {
        return;
    }
    JsonParser parser;
    element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS || !root.is_object()) {
        fail("Backend '" + m_backendName + "' sent a response that is not valid JSON");
        return;
    }
    if (Reader{*this}.document(root.get_object(), false)) {
        finish();
    }
}

void ChatStreamDecoder::end()
{
    if (m_done) {
        return;
    }
    // A finish_reason without [DONE] is a complete answer from a terse server; no finish at all
    // is a stream cut short, and must not be passed off as a reply.
    if (m_finishReason) {
        finish();
        return;
    }
    m_done = true;
    m_sink.failed(UpstreamError::truncated(m_backendName));
}

void ChatStreamDecoder::finish()
{
    m_done = true;
    m_complete = true;
    m_sink.finished(m_finishReason.value_or(StopReason::EndTurn));
}

void ChatStreamDecoder::fail(const QByteArray &message)
{
    m_done = true;
    m_sink.failed(ApiError::internal(message));
}

} // namespace Switchboard::Core
