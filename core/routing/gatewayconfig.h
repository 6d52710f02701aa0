// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "backend/openai/chatrequestbuilder.h"
#include "backend/policy/backendpolicy.h"
#include "backend/upstreamtimeouts.h"
#include "http/httpheaders.h"
#include "security/accesspolicy.h"

#include <QtCore/QString>
#include <QtCore/QUrl>

#include <functional>
#include <vector>

namespace Switchboard::Core {

struct BackendConfig
{
    enum class Kind
    {
        OpenAi,
        Anthropic,
        Simulator,
    };
    QByteArray name;
    Kind kind = Kind::Simulator;
    QUrl url;
    QByteArray apiKey;
    HttpHeaders headers;
    UpstreamTimeouts timeouts;
    ThinkingStyle thinkingStyle = ThinkingStyle::Both;             // OpenAI-compatible only
    SystemMessageRole systemMessageRole = SystemMessageRole::User; // OpenAI-compatible only
    bool mergeConsecutiveTurns = false;                            // OpenAI-compatible only
    double tokensPerSecond = 60;                                   // simulator only
    BackendPolicy policy;                                          // servers only: limits, retries, breaker
};

struct RouteConfig
{
    QByteArray pattern;       // a model name or a glob ("claude-*", "*")
    QByteArray backend;       // a backend's name
    QByteArray upstreamModel; // the name sent upstream; empty keeps the client's
};

// Backends and model routes, from a JSON file (format in the README) or the command line.
struct GatewayConfig
{
    std::vector<BackendConfig> backends;
    std::vector<RouteConfig> routes; // first match wins
    AccessOptions access;
    // Told when a backend's breaker opens (down) or closes again, on the gateway's thread. Not part
    // of the file format: the window sets it to show backends that are down.
    std::function<void(const QByteArray &backend, bool down)> healthObserver;

    // The simulator answers every model: what runs when nothing is configured.
    static GatewayConfig simulatorOnly();
    // Every model goes to one backend, names passed through unchanged.
    static GatewayConfig singleBackend(BackendConfig backend);

    // Whether any backend holds the user's credentials.
    bool hasCredentialedBackend() const;

    // Parses the config format. API keys given as `api_key_env` are read from the environment here.
    static Result<GatewayConfig, QString> fromJson(QByteArrayView json);
    static Result<GatewayConfig, QString> fromFile(const QString &path);

    enum class Keys
    {
        Omit,    // what is saved in the settings: keys live in the secret store
        Include, // a complete config file
    };
    // Writes the format fromJson reads (values at their defaults are left out), so that what the
    // window saves is what headless mode and a --config file understand. `api_key_env` names are
    // not kept by fromJson, so keys are written as `api_key` or not at all.
    QByteArray toJson(Keys keys = Keys::Omit) const;
};

} // namespace Switchboard::Core
