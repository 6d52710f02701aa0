// SPDX-License-Identifier: MIT
#pragma once

#include "server/gateway.h"

#include <QtTest/QTest>

#include <memory>

namespace Switchboard::Test {

// Switchboard's own key in tests whose backends hold credentials (such routes require it).
inline const QByteArray SwitchboardKey = "sk-sb-test-key";

// The real server on a free loopback port, in-process.
struct TestGateway
{
    explicit TestGateway(Core::GatewayConfig config, Core::ServerOptions options = {},
                         Core::HttpServerLimits limits = {})
        : gateway(std::make_unique<Core::Gateway>(withKey(std::move(config)), options, limits))
    {
        const auto port = gateway->listen(QHostAddress::LocalHost, 0);
        if (!port) {
            qFatal("test gateway cannot listen: %s", qPrintable(port.error()));
        }
        url = gateway->baseUrl();
    }

    static Core::GatewayConfig withKey(Core::GatewayConfig config)
    {
        if (config.access.apiKey.isEmpty()) {
            config.access.apiKey = SwitchboardKey;
        }
        return config;
    }

    static Core::GatewayConfig openAi(const QByteArray &baseUrl, Core::UpstreamTimeouts timeouts = {})
    {
        Core::BackendConfig backend;
        backend.name = "fake";
        backend.kind = Core::BackendConfig::Kind::OpenAi;
        backend.url = QUrl(QString::fromUtf8(baseUrl + "/v1"));
        backend.timeouts = timeouts;
        return Core::GatewayConfig::singleBackend(backend);
    }

    static Core::GatewayConfig anthropic(const QByteArray &baseUrl, QByteArray apiKey = {})
    {
        Core::BackendConfig backend;
        backend.name = "upstream";
        backend.kind = Core::BackendConfig::Kind::Anthropic;
        backend.url = QUrl(QString::fromUtf8(baseUrl));
        backend.apiKey = std::move(apiKey);
        return Core::GatewayConfig::singleBackend(backend);
    }

    static Core::GatewayConfig simulator(double tokensPerSecond = 0)
    {
        Core::BackendConfig backend;
        backend.name = "simulator";
        backend.kind = Core::BackendConfig::Kind::Simulator;
        backend.tokensPerSecond = tokensPerSecond;
        return Core::GatewayConfig::singleBackend(backend);
    }

    std::unique_ptr<Core::Gateway> gateway;
    QUrl url;
};

} // namespace Switchboard::Test
