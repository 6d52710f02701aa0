// SPDX-License-Identifier: MIT
#include "gatewayconfig.h"

#include "json/jsonparser.h"

#include <QtCore/QFile>
#include <QtCore/QSet>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

QString at(const QString &path, const QString &message)
{
    return path + u": " + message;
}

std::optional<QString> readString(object fields, std::string_view key, const QString &path, QByteArray &out,
                                  bool required)
{
    element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
        if (required) {
            return at(path + u'.' + QString::fromLatin1(key.data(), qsizetype(key.size())), u"is required"_s);
        }
        return {};
    }
    if (!value.is_string()) {
        return at(path + u'.' + QString::fromLatin1(key.data(), qsizetype(key.size())), u"must be a string"_s);
    }
    out = Json::toBytes(std::string_view(value));
    return {};
}

std::optional<QString> readMilliseconds(object fields, std::string_view key, const QString &path,
                                        std::chrono::milliseconds &out)
{
    element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS) {
        return {};
    }
    int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number <= 0) {
        return at(path + u'.' + QString::fromLatin1(key.data(), qsizetype(key.size())),
                  u"must be a positive whole number of milliseconds"_s);
    }
    out = std::chrono::milliseconds(number);
    return {};
}

std::optional<QString> readCount(object fields, std::string_view key, const QString &path, int minimum, int &out)
{
    element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS) {
        return {};
    }
    int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number < minimum || number > 1'000'000) {
        return at(path + u'.' + QString::fromLatin1(key.data(), qsizetype(key.size())),
                  u"must be a whole number from %1"_s.arg(minimum));
    }
    out = int(number);
    return {};
}

std::optional<QString> readPolicy(object fields, const QString &path, BackendPolicy &policy)
{
    object limits;
    if (fields.at_key("limits").get_object().get(limits) == simdjson::SUCCESS) {
        if (auto error = readCount(limits, "max_concurrent", path + u".limits", 1, policy.maxConcurrent)) {
            return error;
        }
        if (auto error = readCount(limits, "max_queued", path + u".limits", 0, policy.maxQueued)) {
            return error;
        }
    }
    if (auto error = readCount(fields, "retries", path, 0, policy.retries)) {
        return error;
    }
    int maxRetryAfter = int(policy.maxRetryAfter.count());
    if (auto error = readCount(fields, "max_retry_after_s", path, 0, maxRetryAfter)) {
        return error;
    }
    policy.maxRetryAfter = std::chrono::seconds(maxRetryAfter);
    object breaker;
    if (fields.at_key("breaker").get_object().get(breaker) == simdjson::SUCCESS) {
        if (auto error = readCount(breaker, "failures", path + u".breaker", 1, policy.breakerFailures)) {
            return error;
        }
        std::chrono::milliseconds open = policy.breakerOpen;
        if (auto error = readMilliseconds(breaker, "open_ms", path + u".breaker", open)) {
            return error;
        }
        policy.breakerOpen = open;
    }
    return {};
}

std::optional<QString> readBackend(object fields, const QString &path, BackendConfig &backend)
{
    if (auto error = readString(fields, "name", path, backend.name, true)) {
        return error;
    }
    QByteArray type;
    if (auto error = readString(fields, "type", path, type, true)) {
        return error;
    }
    if (type == "openai") {
        backend.kind = BackendConfig::Kind::OpenAi;
    } else if (type == "anthropic") {
        backend.kind = BackendConfig::Kind::Anthropic;
    } else if (type == "simulator") {
        backend.kind = BackendConfig::Kind::Simulator;
    } else {
        return at(path + u".type", u"must be \"openai\", \"anthropic\" or \"simulator\""_s);
    }

    if (backend.kind != BackendConfig::Kind::Simulator) {
        QByteArray url;
        if (auto error = readString(fields, "url", path, url, true)) {
            return error;
        }
        backend.url = QUrl(QString::fromUtf8(url), QUrl::StrictMode);
        if (!backend.url.isValid() || (backend.url.scheme() != u"http" && backend.url.scheme() != u"https") ||
            backend.url.host().isEmpty()) {
            return at(path + u".url", u"must be an http:// or https:// URL"_s);
        }
    }

    QByteArray keyVariable;
    if (auto error = readString(fields, "api_key_env", path, keyVariable, false)) {
        return error;
    }
    if (!keyVariable.isEmpty()) {
        if (!qEnvironmentVariableIsSet(keyVariable.constData())) {
            return at(path + u".api_key_env",
                      u"the environment variable %1 is not set"_s.arg(QString::fromUtf8(keyVariable)));
        }
        backend.apiKey = qgetenv(keyVariable.constData());
    } else if (auto error = readString(fields, "api_key", path, backend.apiKey, false)) {
        return error;
    }

    object headers;
    if (fields.at_key("headers").get_object().get(headers) == simdjson::SUCCESS) {
        for (const auto field : headers) {
            if (!field.value.is_string()) {
                return at(path + u".headers", u"values must be strings"_s);
            }
            backend.headers.append(Json::toBytes(field.key), Json::toBytes(std::string_view(field.value)));
        }
    }

    object timeouts;
    if (fields.at_key("timeouts").get_object().get(timeouts) == simdjson::SUCCESS) {
        const QString timeoutsPath = path + u".timeouts";
        if (auto error = readMilliseconds(timeouts, "connect_ms", timeoutsPath, backend.timeouts.connect)) {
            return error;
        }
        if (auto error = readMilliseconds(timeouts, "first_byte_ms", timeoutsPath, backend.timeouts.firstByte)) {
            return error;
        }
        if (auto error = readMilliseconds(timeouts, "idle_ms", timeoutsPath, backend.timeouts.idle)) {
            return error;
        }
        if (auto error = readMilliseconds(timeouts, "first_content_ms", timeoutsPath, backend.timeouts.firstContent)) {
            return error;
        }
        if (auto error = readMilliseconds(timeouts, "total_ms", timeoutsPath, backend.timeouts.total)) {
            return error;
        }
    }

    QByteArray thinking;
    if (auto error = readString(fields, "thinking", path, thinking, false)) {
        return error;
    }
    if (thinking == "none") {
        backend.thinkingStyle = ThinkingStyle::None;
    } else if (thinking == "chat_template_kwargs") {
        backend.thinkingStyle = ThinkingStyle::ChatTemplateKwargs;
    } else if (thinking == "reasoning_effort") {
        backend.thinkingStyle = ThinkingStyle::ReasoningEffort;
    } else if (!thinking.isEmpty() && thinking != "both") {
        return at(path + u".thinking",
                  u"must be \"none\", \"chat_template_kwargs\", \"reasoning_effort\" or \"both\""_s);
    }

    QByteArray systemMessages;
    if (auto error = readString(fields, "system_messages", path, systemMessages, false)) {
        return error;
    }
    if (systemMessages == "system") {
        backend.systemMessageRole = SystemMessageRole::System;
    } else if (systemMessages == "developer") {
        backend.systemMessageRole = SystemMessageRole::Developer;
    } else if (!systemMessages.isEmpty() && systemMessages != "user") {
        return at(path + u".system_messages", u"must be \"user\", \"system\" or \"developer\""_s);
    }
    element merge;
    if (fields.at_key("merge_consecutive_turns").get(merge) == simdjson::SUCCESS &&
        merge.get_bool().get(backend.mergeConsecutiveTurns) != simdjson::SUCCESS) {
        return at(path + u".merge_consecutive_turns", u"must be true or false"_s);
    }

    if (auto error = readPolicy(fields, path, backend.policy)) {
        return error;
    }

    element rate;
    if (fields.at_key("tokens_per_second").get(rate) == simdjson::SUCCESS) {
        double value = 0;
        if (rate.get_double().get(value) != simdjson::SUCCESS) {
            int64_t integer = 0;
            if (rate.get_int64().get(integer) != simdjson::SUCCESS) {
                return at(path + u".tokens_per_second", u"must be a number"_s);
            }
            value = double(integer);
        }
        if (value < 0) {
            return at(path + u".tokens_per_second", u"must not be negative"_s);
        }
        backend.tokensPerSecond = value;
    }
    return {};
}

std::optional<QString> readStringList(object fields, std::string_view key, const QString &path, QByteArrayList &out)
{
    simdjson::dom::array items;
    if (fields.at_key(key).get_array().get(items) != simdjson::SUCCESS) {
        return {};
    }
    for (element item : items) {
        if (!item.is_string()) {
            return at(path + u'.' + QString::fromLatin1(key.data(), qsizetype(key.size())),
                      u"must be a list of strings"_s);
        }
        out.append(Json::toBytes(std::string_view(item)));
    }
    return {};
}

std::optional<QString> readServer(object fields, AccessOptions &access)
{
    const QString path = u"server"_s;
    if (auto error = readStringList(fields, "allowed_hosts", path, access.allowedHosts)) {
        return error;
    }
    if (auto error = readStringList(fields, "allowed_origins", path, access.allowedOrigins)) {
        return error;
    }
    QByteArray keyVariable;
    if (auto error = readString(fields, "api_key_env", path, keyVariable, false)) {
        return error;
    }
    if (!keyVariable.isEmpty()) {
        if (!qEnvironmentVariableIsSet(keyVariable.constData())) {
            return at(path + u".api_key_env",
                      u"the environment variable %1 is not set"_s.arg(QString::fromUtf8(keyVariable)));
        }
        access.apiKey = qgetenv(keyVariable.constData());
        access.requireKey = true;
    }
    bool flag = true;
    if (fields.at_key("require_key_for_credentialed_backends").get_bool().get(flag) == simdjson::SUCCESS) {
        access.requireKeyForCredentialedBackends = flag;
    }
    return {};
}

} // namespace

bool GatewayConfig::hasCredentialedBackend() const
{
    return std::any_of(backends.begin(), backends.end(),
                       [](const BackendConfig &backend) { return !backend.apiKey.isEmpty(); });
}

GatewayConfig GatewayConfig::simulatorOnly()
{
    BackendConfig simulator;
    simulator.name = "simulator";
    simulator.kind = BackendConfig::Kind::Simulator;
    return singleBackend(simulator);
}

GatewayConfig GatewayConfig::singleBackend(BackendConfig backend)
{
    GatewayConfig config;
    config.routes.push_back(RouteConfig{"*", backend.name, {}});
    config.backends.push_back(std::move(backend));
    return config;
}

Result<GatewayConfig, QString> GatewayConfig::fromJson(QByteArrayView json)
{
    JsonParser parser;
    element root;
    if (const auto code = parser.parse(json).get(root); code != simdjson::SUCCESS) {
        return u"not valid JSON (%1)"_s.arg(QString::fromUtf8(simdjson::error_message(code)));
    }
    if (!root.is_object()) {
        return u"the top level must be a JSON object"_s;
    }
    GatewayConfig config;
    QSet<QByteArray> names;
    simdjson::dom::array backends;
    if (root["backends"].get_array().get(backends) != simdjson::SUCCESS) {
        return u"backends: a list of backends is required"_s;
    }
    int index = 0;
    for (element item : backends) {
        const QString path = u"backends[%1]"_s.arg(index++);
        if (!item.is_object()) {
            return at(path, u"must be an object"_s);
        }
        BackendConfig backend;
        if (auto error = readBackend(item.get_object(), path, backend)) {
            return *error;
        }
        if (names.contains(backend.name)) {
            return at(path + u".name", u"\"%1\" is used twice"_s.arg(QString::fromUtf8(backend.name)));
        }
        names.insert(backend.name);
        config.backends.push_back(std::move(backend));
    }

    simdjson::dom::array routes;
    if (root["routes"].get_array().get(routes) == simdjson::SUCCESS) {
        index = 0;
        for (element item : routes) {
            const QString path = u"routes[%1]"_s.arg(index++);
            if (!item.is_object()) {
                return at(path, u"must be an object"_s);
            }
            RouteConfig route;
            if (auto error = readString(item.get_object(), "model", path, route.pattern, true)) {
                return *error;
            }
            if (auto error = readString(item.get_object(), "backend", path, route.backend, true)) {
                return *error;
            }
            if (auto error = readString(item.get_object(), "upstream_model", path, route.upstreamModel, false)) {
                return *error;
            }
            if (!names.contains(route.backend)) {
                return at(path + u".backend", u"no backend is named \"%1\""_s.arg(QString::fromUtf8(route.backend)));
            }
            config.routes.push_back(std::move(route));
        }
    }

    object server;
    if (root["server"].get_object().get(server) == simdjson::SUCCESS) {
        if (auto error = readServer(server, config.access)) {
            return *error;
        }
    }

    QByteArray fallback;
    if (auto error = readString(root.get_object(), "default", QString(), fallback, false)) {
        return u"default: must be a backend name"_s;
    }
    if (!fallback.isEmpty()) {
        if (!names.contains(fallback)) {
            return u"default: no backend is named \"%1\""_s.arg(QString::fromUtf8(fallback));
        }
        config.routes.push_back(RouteConfig{"*", fallback, {}});
    }
    if (config.routes.empty() && config.backends.size() == 1) {
        config.routes.push_back(RouteConfig{"*", config.backends.front().name, {}});
    }
    return config;
}

Result<GatewayConfig, QString> GatewayConfig::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return u"cannot read %1: %2"_s.arg(path, file.errorString());
    }
    auto config = fromJson(file.readAll());
    if (!config) {
        return u"%1: %2"_s.arg(path, config.error());
    }
    return config;
}

} // namespace Switchboard::Core
