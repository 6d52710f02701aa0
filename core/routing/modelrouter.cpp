// SPDX-License-Identifier: MIT
#include "modelrouter.h"

#include "backend/anthropic/anthropicbackend.h"
#include "backend/openai/openaibackend.h"
#include "backend/policy/breakerbackend.h"
#include "backend/policy/limitedbackend.h"
#include "backend/policy/retryingbackend.h"
#include "backend/simulator/simulatorbackend.h"
#include "glob.h"

namespace Switchboard::Core {

namespace {

// Servers get the same protections whatever their protocol: the breaker sees every connection
// attempt, retries happen inside a held slot, and the slot limit is outermost.
std::unique_ptr<Backend> protect(std::unique_ptr<Backend> server, const BackendPolicy &policy,
                                 const BreakerBackend::HealthObserver &observer)
{
    auto broken =
        std::make_unique<BreakerBackend>(std::move(server), policy.breakerFailures, policy.breakerOpen, observer);
    auto retried = std::make_unique<RetryingBackend>(std::move(broken), policy.retries, policy.maxRetryAfter);
    return std::make_unique<LimitedBackend>(std::move(retried), policy.maxConcurrent, policy.maxQueued);
}

std::unique_ptr<Backend> makeBackend(const BackendConfig &config, HttpClient &client,
                                     const BreakerBackend::HealthObserver &observer)
{
    switch (config.kind) {
    case BackendConfig::Kind::OpenAi:
        return protect(std::make_unique<OpenAiBackend>(OpenAiBackendOptions{config.name, config.url, config.apiKey,
                                                                            config.headers, config.thinkingStyle,
                                                                            config.timeouts, config.systemMessageRole,
                                                                            config.mergeConsecutiveTurns},
                                                       client),
                       config.policy, observer);
    case BackendConfig::Kind::Anthropic:
        return protect(
            std::make_unique<AnthropicBackend>(
                AnthropicBackendOptions{config.name, config.url, config.apiKey, config.headers, config.timeouts},
                client),
            config.policy, observer);
    case BackendConfig::Kind::Simulator: {
        SimulatorOptions options;
        options.name = config.name;
        options.tokensPerSecond = config.tokensPerSecond;
        return std::make_unique<SimulatorBackend>(options);
    }
    }
    return nullptr;
}

} // namespace

ModelRouter::ModelRouter(std::vector<std::unique_ptr<Backend>> backends, std::vector<RouteConfig> routes)
    : m_backends(std::move(backends))
{
    for (auto &route : routes) {
        for (const auto &backend : m_backends) {
            if (backend->name() == route.backend) {
                m_routes.push_back(Route{std::move(route.pattern), backend.get(), std::move(route.upstreamModel)});
                break;
            }
        }
    }
}

ModelRouter::~ModelRouter() = default;

std::unique_ptr<ModelRouter> ModelRouter::fromConfig(const GatewayConfig &config, HttpClient &client)
{
    std::vector<std::unique_ptr<Backend>> backends;
    for (const auto &backend : config.backends) {
        backends.push_back(makeBackend(backend, client, config.healthObserver));
    }
    return std::make_unique<ModelRouter>(std::move(backends), config.routes);
}

std::optional<ModelRouter::Match> ModelRouter::match(QByteArrayView model) const
{
    for (const Route &route : m_routes) {
        if (globMatch(route.pattern, model)) {
            return Match{route.backend, route.upstreamModel.isEmpty() ? model.toByteArray() : route.upstreamModel};
        }
    }
    return std::nullopt;
}

std::vector<QByteArray> ModelRouter::namedModels() const
{
    std::vector<QByteArray> names;
    for (const Route &route : m_routes) {
        if (!isGlobPattern(route.pattern)) {
            names.push_back(route.pattern);
        }
    }
    return names;
}

} // namespace Switchboard::Core
