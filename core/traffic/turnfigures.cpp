// SPDX-License-Identifier: MIT
#include "turnfigures.h"

#include "json/jsonparser.h"

namespace Switchboard::Core {

namespace {

struct BackendFigures
{
    int cached = -1;
    int evaluated = -1;
    int promptTokens = -1;
    double promptMs = -1;
};

int intAt(simdjson::dom::element element, std::string_view key)
{
    int64_t value = 0;
    return element[key].get_int64().get(value) == simdjson::SUCCESS ? int(value) : -1;
}

// llama.cpp reports `timings` in its last chunk (or JSON answer); OpenAI-style servers report
// cached prompt tokens in `usage.prompt_tokens_details.cached_tokens`.
void readBackendFigures(QByteArrayView json, BackendFigures &figures)
{
    if (!json.contains("timings") && !json.contains("usage")) {
        return;
    }
    JsonParser parser;
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) {
        return;
    }
    simdjson::dom::element timings;
    if (root["timings"].get(timings) == simdjson::SUCCESS) {
        figures.cached = intAt(timings, "cache_n");
        figures.evaluated = intAt(timings, "prompt_n");
        double ms = -1;
        if (timings["prompt_ms"].get_double().get(ms) == simdjson::SUCCESS) {
            figures.promptMs = ms;
        }
    }
    simdjson::dom::element usage;
    if (root["usage"].get(usage) == simdjson::SUCCESS && !usage.is_null()) {
        figures.promptTokens = intAt(usage, "prompt_tokens");
        simdjson::dom::element details;
        if (figures.cached < 0 && usage["prompt_tokens_details"].get(details) == simdjson::SUCCESS) {
            figures.cached = intAt(details, "cached_tokens");
        }
    }
}

BackendFigures backendFigures(const CapturedMessage &response)
{
    BackendFigures figures;
    if (!response.present) {
        return figures;
    }
    if (!response.streaming) {
        readBackendFigures(response.body, figures);
        return figures;
    }
    // The figures come at the end: read back from the last event until both are found.
    for (auto it = response.events.crbegin(); it != response.events.crend(); ++it) {
        readBackendFigures(it->data, figures);
        if (figures.promptMs >= 0 || figures.promptTokens >= 0) {
            break;
        }
    }
    return figures;
}

int countToolCalls(const CapturedMessage &response)
{
    if (response.streaming) {
        int count = 0;
        for (const CapturedSseEvent &event : response.events) {
            count += event.name == "content_block_start" && event.data.contains("\"tool_use\"") ? 1 : 0;
        }
        return count;
    }
    JsonParser parser;
    simdjson::dom::array content;
    if (parser.parse(response.body)["content"].get_array().get(content) != simdjson::SUCCESS) {
        return 0;
    }
    int count = 0;
    for (const auto block : content) {
        std::string_view type;
        count += block["type"].get_string().get(type) == simdjson::SUCCESS && type == "tool_use" ? 1 : 0;
    }
    return count;
}

} // namespace

TurnFigures TurnFigures::fromRecord(const ExchangeRecord &record)
{
    TurnFigures figures;
    const int cacheRead = std::max(record.cacheReadTokens, 0);
    const int cacheCreation = std::max(record.cacheCreationTokens, 0);
    if (record.inputTokens >= 0) {
        figures.contextTokens = record.inputTokens + cacheRead + cacheCreation;
    }
    const BackendFigures backend = backendFigures(record.upstreamResponse);
    figures.cachedTokens = backend.cached >= 0 ? backend.cached : record.cacheReadTokens;
    if (backend.evaluated >= 0) {
        figures.evaluatedTokens = backend.evaluated;
    } else if (backend.promptTokens >= 0) {
        figures.evaluatedTokens = backend.promptTokens - std::max(backend.cached, 0);
    } else if (record.inputTokens >= 0) {
        figures.evaluatedTokens = record.inputTokens + cacheCreation;
    }
    figures.promptMs = backend.promptMs;
    figures.timeToFirstTokenUs = record.timeToFirstTokenUs;
    figures.toolCalls = countToolCalls(record.clientResponse);
    return figures;
}

} // namespace Switchboard::Core
