// SPDX-License-Identifier: MIT
#include "chatstreamdecoder.h"

#include "backend/upstreamerror.h"
#include "json/jsonparser.h"
#include "reply/backendusage.h"

#include <QtCore/QLoggingCategory>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Switchboard::Core {

Q_LOGGING_CATEGORY(lcOpenAiUsage, "switchboard.backend.openai.usage", QtWarningMsg)

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

// A token count as 64 bits, whatever JSON number the server wrote: beyond 64 bits saturates (the
// check drops it as too large), and anything that is not a number is no count at all.
std::optional<std::int64_t> count(element value)
{
    std::int64_t whole = 0;
    if (value.get_int64().get(whole) == simdjson::SUCCESS) {
        return whole;
    }
    if (value.is_uint64()) {
        return std::numeric_limits<std::int64_t>::max();
    }
    double number = 0;
    if (value.get_double().get(number) == simdjson::SUCCESS) {
        constexpr double Limit = 9.0e18; // inside int64, so the conversion below is defined
        return std::int64_t(std::clamp(std::trunc(number), -Limit, Limit));
    }
    return std::nullopt;
}

std::optional<std::int64_t> countAt(object fields, std::string_view key)
{
    element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    return count(value);
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
        }
        // Held until the name came, or an argument object sent after it.
        if (state.started && !state.pendingArguments.isEmpty()) {
            d.m_sink.toolCallArguments(int(index), std::exchange(state.pendingArguments, QByteArray()));
        }
        if (!arguments.empty()) {
            if (state.started) {
                d.m_sink.toolCallArguments(int(index), view(arguments));
            } else {
                state.pendingArguments.append(arguments.data(), qsizetype(arguments.size()));
            }
        }
    }

    // Where servers say how much of the prompt their cache served (checked 2026-12):
    // - OpenAI, vLLM, llama.cpp since 2026-02: `usage.prompt_tokens_details.cached_tokens`, with
    //   `prompt_tokens` the whole prompt.
    // - DeepSeek: `usage.prompt_cache_hit_tokens` + `prompt_cache_miss_tokens` = `prompt_tokens`.
    // - llama.cpp: `timings` (in the answer, and the last chunk of a stream even without
    //   include_usage) has `prompt_n`, the tokens it evaluated, and since 2025-09 `cache_n`, the
    //   tokens its cache served; `usage.prompt_tokens` has always been their sum (measured on a real
    //   llama-server: 37 = 36 cached + 1, and its log says it evaluated 1).
    // - Ollama: `prompt_tokens` is its `prompt_eval_count`, the whole prompt (since mid-2024; before,
    //   evaluated tokens only, 0 on a full cache hit, which is why a 0 prompt is dropped). Releases
    //   since 2026-08 add `prompt_tokens_details.cached_tokens`; older ones say nothing of the cache,
    //   so their cache reads stay 0. It sends no `timings`.
    void usage(object fields, BackendUsage &figures)
    {
        figures.promptTokens = countAt(fields, "prompt_tokens");
        figures.outputTokens = countAt(fields, "completion_tokens");
        object details;
        if (fields.at_key("prompt_tokens_details").get_object().get(details) == simdjson::SUCCESS) {
            figures.cachedTokens = countAt(details, "cached_tokens");
        }
        if (!figures.cachedTokens) {
            figures.cachedTokens = countAt(fields, "prompt_cache_hit_tokens");
        }
        figures.evaluatedTokens = countAt(fields, "prompt_cache_miss_tokens");
    }

    // llama.cpp's own figures; `usage` wins where both say the same thing.
    static void timings(object fields, BackendUsage &figures)
    {
        if (!figures.cachedTokens) {
            figures.cachedTokens = countAt(fields, "cache_n");
        }
        if (!figures.evaluatedTokens) {
            figures.evaluatedTokens = countAt(fields, "prompt_n");
        }
        if (!figures.outputTokens) {
            figures.outputTokens = countAt(fields, "predicted_n");
        }
    }

    void reportUsage(const BackendUsage &figures)
    {
        const CheckedUsage checked = checkBackendUsage(figures);
        if (!checked.problems.isEmpty() && !d.m_warnedAboutUsage) {
            d.m_warnedAboutUsage = true; // once per answer: a stream may repeat its figures per chunk
            const QByteArray message =
                "Backend '" + d.m_backendName + "' reported usage that cannot be right: " + checked.problems.join("; ");
            qCWarning(lcOpenAiUsage, "%s", message.constData());
        }
        const UsageReport &report = checked.report;
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
        object timingFields;
        bool hasError = false;
        bool hasChoices = false;
        bool hasUsage = false;
        bool hasTimings = false;
        for (const auto field : root) {
            if (field.key == "choices") {
                hasChoices = field.value.get_array().get(choices) == simdjson::SUCCESS;
            } else if (field.key == "usage") {
                hasUsage = field.value.get_object().get(usageFields) == simdjson::SUCCESS;
            } else if (field.key == "timings") {
                hasTimings = field.value.get_object().get(timingFields) == simdjson::SUCCESS;
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
        if (hasUsage || hasTimings) {
            BackendUsage figures;
            if (hasUsage) {
                usage(usageFields, figures);
            }
            if (hasTimings) {
                timings(timingFields, figures);
            }
            reportUsage(figures);
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
