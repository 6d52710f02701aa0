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

QByteArrayView view(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

} // namespace

struct ChatStreamDecoder::Reader
{
    ChatStreamDecoder &d;

    void choice(object fields, bool streamed)
    {
        object delta;
        if (fields.at_key(streamed ? "delta" : "message").get_object().get(delta) == simdjson::SUCCESS) {
            // Servers name reasoning differently: llama.cpp/vLLM/DeepSeek `reasoning_content`,
            // Ollama and OpenRouter `reasoning`.
            std::string_view reasoning = stringField(delta, "reasoning_content");
            if (reasoning.empty()) {
                reasoning = stringField(delta, "reasoning");
            }
            if (!reasoning.empty()) {
                d.m_sink.thinkingDelta(view(reasoning));
            }
            const std::string_view content = stringField(delta, "content");
            if (!content.empty()) {
                d.m_sink.textDelta(view(content));
            }
            array calls;
            if (delta.at_key("tool_calls").get_array().get(calls) == simdjson::SUCCESS) {
                int position = 0;
                for (element call : calls) {
                    if (call.is_object()) {
                        toolCall(call.get_object(), position);
                    }
                    ++position;
                }
            }
        }
        const std::string_view finish = stringField(fields, "finish_reason");
        if (!finish.empty()) {
            d.m_finishReason = stopReasonFromFinish(finish);
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
        if (root.at_key("error").get(error) == simdjson::SUCCESS && !error.is_null()) {
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
        array choices;
        if (root.at_key("choices").get_array().get(choices) == simdjson::SUCCESS) {
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
        object usageFields;
        if (root.at_key("usage").get_object().get(usageFields) == simdjson::SUCCESS) {
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
    m_sink.finished(m_finishReason.value_or(StopReason::EndTurn));
}

void ChatStreamDecoder::fail(const QByteArray &message)
{
    m_done = true;
    m_sink.failed(ApiError::internal(message));
}

} // namespace Switchboard::Core
