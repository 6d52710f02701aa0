// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "http/httpserverlimits.h"
#include "routing/gatewayconfig.h"
#include "serveroptions.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <memory>

namespace Switchboard::Core {

class AccessPolicy;
class ApiServer;
class HttpClient;
class HttpServer;
class ModelRouter;
class PrefixTracker;
class TrafficLog;

// Switchboard's server, assembled: the upstream client, the backends and routes, the API and the
// HTTP listener. Lives on one thread (the worker thread under the GUI, the main one headless).
class Gateway final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Gateway)

public:
    explicit Gateway(const GatewayConfig &config, ServerOptions options = {}, HttpServerLimits limits = {},
                     QObject *parent = nullptr);
    ~Gateway() override;

    Result<quint16, QString> listen(const QHostAddress &address, quint16 port);
    // Stops accepting and refuses new requests on open connections (529). Responses under way may
    // finish within `deadline`; then each is ended with an error (an `event: error` on a stream) and
    // its backend call cancelled. drained() follows once no connection is left.
    void shutdown(std::chrono::milliseconds deadline);
    int connectionCount() const;
    // Test seam: upstream connections resting in the pool, so a test can wait for a drained
    // connection to be back before it asks for the next one.
    int idleUpstreamConnectionCount() const;
    QUrl baseUrl() const;
    // Records both legs of every exchange in `log` (which must outlive the gateway).
    void setTrafficLog(TrafficLog *log);

Q_SIGNALS:
    void connectionCountChanged(int count);
    void drained();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void onConnectionCountChanged(int count);

    std::unique_ptr<AccessPolicy> m_access;
    HttpClient *m_client;
    std::unique_ptr<ModelRouter> m_router;
    std::unique_ptr<PrefixTracker> m_prefixTracker;
    ApiServer *m_api;
    HttpServer *m_http;
    QBasicTimer m_deadline;
    QBasicTimer m_lastCall;
    bool m_shuttingDown = false;
};

} // namespace Switchboard::Core
