// SPDX-License-Identifier: MIT
// GatewayConfig::toJson, the inverse of fromJson (gatewayconfig.cpp).
#include "gatewayconfig.h"
#include "json/jsonwriter.h"

namespace Switchboard::Core {

namespace {

QByteArrayView typeName(BackendConfig::Kind kind)
{
    switch (kind) {
    case BackendConfig::Kind::OpenAi:
        return "openai";
    case BackendConfig::Kind::Anthropic:
        return "anthropic";
    case BackendConfig::Kind::Simulator:
        break;
    }
    return "simulator";
}

QByteArrayView thinkingName(ThinkingStyle style)
{
    switch (style) {
    case ThinkingStyle::None:
        return "none";
    case ThinkingStyle::ChatTemplateKwargs:
        return "chat_template_kwargs";
    case ThinkingStyle::ReasoningEffort:
        return "reasoning_effort";
    case ThinkingStyle::Both:
        break;
    }
    return "both";
}

QByteArrayView systemMessagesName(SystemMessageRole role)
{
    switch (role) {
    case SystemMessageRole::System:
        return "system";
    case SystemMessageRole::Developer:
        return "developer";
    case SystemMessageRole::User:
        break;
    }
    return "user";
}

void writeBackend(JsonWriter &json, const BackendConfig &backend, GatewayConfig::Keys keys)
{
    const BackendConfig defaults;
    json.beginObject();
    json.field("name", backend.name);
    json.field("type", typeName(backend.kind));
    if (backend.kind != BackendConfig::Kind::Simulator) {
        json.field("url", backend.url.toString(QUrl::FullyEncoded).toUtf8());
    }
    if (keys == GatewayConfig::Keys::Include && !backend.apiKey.isEmpty()) {
        json.field("api_key", backend.apiKey);
    }
    if (!backend.headers.isEmpty()) {
        json.key("headers").beginObject();
        for (const auto &[name, value] : backend.headers.fields()) {
            json.field(name, value);
        }
        json.endObject();
    }
    const UpstreamTimeouts &timeouts = backend.timeouts;
    if (timeouts.connect != defaults.timeouts.connect || timeouts.firstByte != defaults.timeouts.firstByte ||
        timeouts.idle != defaults.timeouts.idle || timeouts.firstContent != defaults.timeouts.firstContent ||
        timeouts.total != defaults.timeouts.total) {
        json.key("timeouts").beginObject();
        json.field("connect_ms", std::int64_t(timeouts.connect.count()));
        json.field("first_byte_ms", std::int64_t(timeouts.firstByte.count()));
        json.field("idle_ms", std::int64_t(timeouts.idle.count()));
        json.field("first_content_ms", std::int64_t(timeouts.firstContent.count()));
        json.field("total_ms", std::int64_t(timeouts.total.count()));
        json.endObject();
    }
    if (backend.kind == BackendConfig::Kind::OpenAi && backend.thinkingStyle != defaults.thinkingStyle) {
        json.field("thinking", thinkingName(backend.thinkingStyle));
    }
    if (backend.kind == BackendConfig::Kind::OpenAi && backend.systemMessageRole != defaults.systemMessageRole) {
        json.field("system_messages", systemMessagesName(backend.systemMessageRole));
    }
    if (backend.kind == BackendConfig::Kind::OpenAi && backend.mergeConsecutiveTurns) {
        json.field("merge_consecutive_turns", true);
    }
    const BackendPolicy &policy = backend.policy;
    if (policy.maxConcurrent != defaults.policy.maxConcurrent || policy.maxQueued != defaults.policy.maxQueued) {
        json.key("limits").beginObject();
        json.field("max_concurrent", policy.maxConcurrent);
        json.field("max_queued", policy.maxQueued);
        json.endObject();
    }
    if (policy.retries != defaults.policy.retries) {
        json.field("retries", policy.retries);
    }
    if (policy.maxRetryAfter != defaults.policy.maxRetryAfter) {
        json.field("max_retry_after_s", std::int64_t(policy.maxRetryAfter.count()));
    }
    if (policy.breakerFailures != defaults.policy.breakerFailures ||
        policy.breakerOpen != defaults.policy.breakerOpen) {
        json.key("breaker").beginObject();
        json.field("failures", policy.breakerFailures);
        json.field("open_ms", std::int64_t(policy.breakerOpen.count()));
        json.endObject();
    }
    if (backend.kind == BackendConfig::Kind::Simulator && backend.tokensPerSecond != defaults.tokensPerSecond) {
        json.field("tokens_per_second", backend.tokensPerSecond);
    }
    json.endObject();
}

void writeStrings(JsonWriter &json, QByteArrayView name, const QByteArrayList &values)
{
    json.key(name).beginArray();
    for (const QByteArray &value : values) {
        json.value(value);
    }
    json.endArray();
}

} // namespace

QByteArray GatewayConfig::toJson(Keys keys) const
{
    QByteArray out;
    JsonWriter json(out);
    json.beginObject();
    json.key("backends").beginArray();
    for (const BackendConfig &backend : backends) {
        writeBackend(json, backend, keys);
    }
    json.endArray();
    json.key("routes").beginArray();
    for (const RouteConfig &route : routes) {
        json.beginObject();
        json.field("model", route.pattern);
        json.field("backend", route.backend);
        if (!route.upstreamModel.isEmpty()) {
            json.field("upstream_model", route.upstreamModel);
        }
        json.endObject();
    }
    json.endArray();
    // Switchboard's own key is never written: fromJson only takes it from the environment.
    const AccessOptions defaults;
    if (!access.allowedHosts.isEmpty() || !access.allowedOrigins.isEmpty() ||
        access.requireKeyForCredentialedBackends != defaults.requireKeyForCredentialedBackends) {
        json.key("server").beginObject();
        writeStrings(json, "allowed_hosts", access.allowedHosts);
        writeStrings(json, "allowed_origins", access.allowedOrigins);
        json.field("require_key_for_credentialed_backends", access.requireKeyForCredentialedBackends);
        json.endObject();
    }
    json.endObject();
    return out;
}

} // namespace Switchboard::Core
