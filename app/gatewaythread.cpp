// SPDX-License-Identifier: MIT
#include "gatewaythread.h"

#include "server/gateway.h"

namespace Switchboard::App {

GatewayThread::GatewayThread(Core::GatewayConfig config, QHostAddress host, quint16 port, QObject *parent)
    : QThread(parent)
    , m_config(std::move(config))
    , m_host(std::move(host))
    , m_port(port)
{
    setObjectName(QStringLiteral("gateway"));
}

GatewayThread::~GatewayThread()
{
    quit();
    wait();
}

void GatewayThread::run()
{
    Core::Gateway gateway(m_config);
    const auto port = gateway.listen(m_host, m_port);
    if (!port) {
        Q_EMIT failed(port.error());
        return;
    }
    Q_EMIT listening(gateway.baseUrl());
    exec();
}

} // namespace Switchboard::App
