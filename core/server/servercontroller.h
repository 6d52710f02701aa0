// SPDX-License-Identifier: MIT
#pragma once

#include "routing/gatewayconfig.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <optional>

namespace Switchboard::Core {

class GatewayThread;
class TrafficLog;

// The embedded server as the window sees it: started, restarted on another address, stopped, and
// its figures. The gateway runs on its own thread (GatewayThread); this object lives on the GUI's.
class ServerController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerController)

public:
    enum class State
    {
        Stopped,
        Starting,
        Listening,
        Failed,
    };

    ServerController(GatewayConfig config, TrafficLog *traffic, QObject *parent = nullptr);
    ~ServerController() override;

    // Where Switchboard's own key is kept (ApiKeyStore). Listening beyond loopback requires the key;
    // one is generated there if the configuration has none (apiKeyCreated() then shows it once).
    void setApiKeyPath(const QString &path) { m_apiKeyPath = path; }
    // Starts on `host`:`port` (0: any free port); a running server is stopped first.
    void start(const QHostAddress &host, quint16 port);
    // Replaces the backends and routes and restarts on the address in use (a server on "any free
    // port" keeps the port it got, so clients that know it keep working).
    void setConfig(GatewayConfig config);
    const GatewayConfig &config() const { return m_config; }
    // Answers under way get `drain` to finish.
    void stop(std::chrono::milliseconds drain = std::chrono::seconds(3));
    // Blocks until the server's thread has ended (at exit).
    void waitStopped(std::chrono::milliseconds timeout);

    State state() const { return m_state; }
    QHostAddress host() const { return m_host; }
    quint16 requestedPort() const { return m_port; }
    QUrl baseUrl() const { return m_baseUrl; }
    QString errorString() const { return m_error; }
    QByteArray apiKey() const { return m_config.access.apiKey; }
    int openConnections() const { return m_connections; }
    // Backends whose breaker is open: requests to them fail at once until one probe succeeds.
    QList<QByteArray> downBackends() const { return m_down; }
    qint64 requestsServed() const { return m_requests; }

Q_SIGNALS:
    void stateChanged(Core::ServerController::State state);
    void countsChanged();
    void backendHealthChanged(const QByteArray &backend, bool down);
    void apiKeyCreated(const QByteArray &key, const QString &path);

private:
    void launch();
    bool secureFor(const QHostAddress &host);
    void setState(State state);
    void onBackendHealth(const QByteArray &backend, bool down);
    void observeHealth();

    GatewayConfig m_config;
    TrafficLog *m_traffic;
    QPointer<GatewayThread> m_thread;
    QHostAddress m_host = QHostAddress(QHostAddress::LocalHost);
    quint16 m_port = 0;
    std::optional<std::pair<QHostAddress, quint16>> m_pendingStart; // waits for the old thread
    State m_state = State::Stopped;
    QUrl m_baseUrl;
    QString m_error;
    int m_connections = 0;
    qint64 m_requests = 0;
    QList<QByteArray> m_down;
    QString m_apiKeyPath;
};

} // namespace Switchboard::Core
