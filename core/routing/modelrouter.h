// SPDX-License-Identifier: MIT
#pragma once

#include "gatewayconfig.h"

#include <memory>
#include <optional>
#include <vector>

namespace Switchboard::Core {

class Backend;
class HttpClient;

// Picks the backend for a model name: the first route whose pattern matches wins. The client's
// model name is what it gets back; the backend may be sent another one.
class ModelRouter
{
public:
    struct Match
    {
        Backend *backend = nullptr;
        QByteArray upstreamModel;
    };

    ModelRouter(std::vector<std::unique_ptr<Backend>> backends, std::vector<RouteConfig> routes);
    ~ModelRouter();

    // Builds every backend of `config` (the one place that knows backend kinds).
    static std::unique_ptr<ModelRouter> fromConfig(const GatewayConfig &config, HttpClient &client);

    std::optional<Match> match(QByteArrayView model) const;
    const std::vector<std::unique_ptr<Backend>> &backends() const { return m_backends; }
    // Routes that name one model (no wildcard), in configuration order.
    std::vector<QByteArray> namedModels() const;

private:
    struct Route
    {
        QByteArray pattern;
        Backend *backend;
        QByteArray upstreamModel;
    };

    std::vector<std::unique_ptr<Backend>> m_backends;
    std::vector<Route> m_routes;
};

} // namespace Switchboard::Core
