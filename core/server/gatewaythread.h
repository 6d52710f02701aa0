// SPDX-License-Identifier: MIT
#pragma once

#include "routing/gatewayconfig.h"

#include <QtCore/QThread>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#include <atomic>
#include <chrono>

namespace Switchboard::Core {

class TrafficLog;

// Runs the gateway on its own event loop so that a busy window never stalls a stream.
class GatewayThread final : public QThread
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayThread)

public:
    GatewayThread(GatewayConfig config, QHostAddress host, quint16 port, QObject *parent = nullptr);
    ~GatewayThread() override;

    // Asks the gateway to shut down gracefully (see Gateway::shutdown); the thread ends when it has.
    void shutdown(std::chrono::milliseconds deadline);
    // Before start(): record every exchange in `log`, which must outlive the thread's run.
    void setTrafficLog(TrafficLog *log) { m_traffic = log; }

Q_SIGNALS:
    void listening(const QUrl &baseUrl);
    void failed(const QString &message);
    void connectionCountChanged(int count);    // from the gateway's thread
    void shutdownRequested(qint64 deadlineMs); // carries the request into the gateway's thread

protected:
    void run() override;

private:
    GatewayConfig m_config;
    QHostAddress m_host;
    quint16 m_port;
    TrafficLog *m_traffic = nullptr;
    std::atomic<qint64> m_shutdownDeadlineMs{-1}; // for a request that comes before run() listens
};

} // namespace Switchboard::Core
