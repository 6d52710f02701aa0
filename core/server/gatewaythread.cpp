// SPDX-License-Identifier: MIT
#include "gatewaythread.h"

#include "eventloop/epolleventdispatcher.h"
#include "gateway.h"

namespace Switchboard::Core {

GatewayThread::GatewayThread(GatewayConfig config, QHostAddress host, quint16 port, QObject *parent)
    : QThread(parent)
    , m_config(std::move(config))
    , m_host(std::move(host))
    , m_port(port)
{
    setObjectName(QStringLiteral("gateway"));
    // Qt's own dispatcher slows down with every open stream (see EpollEventDispatcher).
    setEventDispatcher(new Core::EpollEventDispatcher);
}

GatewayThread::~GatewayThread()
{
    quit();
    wait();
}

void GatewayThread::shutdown(std::chrono::milliseconds deadline)
{
    m_shutdownDeadlineMs = deadline.count();
    Q_EMIT shutdownRequested(deadline.count());
}

void GatewayThread::run()
{
    Gateway gateway(m_config);
    gateway.setTrafficLog(m_traffic);
    const auto port = gateway.listen(m_host, m_port);
    if (!port) {
        Q_EMIT failed(port.error());
        return;
    }
    connect(this, &GatewayThread::shutdownRequested, &gateway,
            [&gateway](qint64 deadlineMs) { gateway.shutdown(std::chrono::milliseconds(deadlineMs)); });
    connect(&gateway, &Gateway::drained, &gateway, [this] { quit(); });
    connect(&gateway, &Gateway::connectionCountChanged, this, &GatewayThread::connectionCountChanged,
            Qt::DirectConnection);
    Q_EMIT listening(gateway.baseUrl());
    if (const qint64 early = m_shutdownDeadlineMs; early >= 0) {
        gateway.shutdown(std::chrono::milliseconds(early));
    }
    exec();
}

} // namespace Switchboard::Core
