// SPDX-License-Identifier: MIT
#pragma once

#include "routing/gatewayconfig.h"

#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

namespace Switchboard::App {

// Runs the gateway on its own event loop so that a busy window never stalls a stream.
class GatewayThread final : public QThread
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayThread)

public:
    GatewayThread(Core::GatewayConfig config, QHostAddress host, quint16 port, QObject *parent = nullptr);
    ~GatewayThread() override;

Q_SIGNALS:
    void listening(const QUrl &baseUrl);
    void failed(const QString &message);

protected:
    void run() override;

private:
    Core::GatewayConfig m_config;
    QHostAddress m_host;
    quint16 m_port;
};

} // namespace Switchboard::App
