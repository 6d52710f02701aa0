// SPDX-License-Identifier: MIT
#include "servercontroller.h"

#include "gatewaythread.h"
#include "security/apikeystore.h"
#include "security/redactor.h"
#include "traffic/trafficlog.h"

#include <QtCore/QDeadlineTimer>

namespace Switchboard::Core {

ServerController::ServerController(GatewayConfig config, TrafficLog *traffic, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_traffic(traffic)
{
    observeHealth();
    if (m_traffic) {
        connect(m_traffic, &TrafficLog::exchangeAdded, this, [this] {
            ++m_requests;
            Q_EMIT countsChanged();
        });
    }
}

ServerController::~ServerController()
{
    if (m_thread) {
        m_thread->disconnect(this);
        stop(std::chrono::milliseconds(0));
        waitStopped(std::chrono::seconds(3));
    }
}

void ServerController::setState(State state)
{
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ServerController::onBackendHealth(const QByteArray &backend, bool down)
{
    m_down.removeAll(backend);
    if (down) {
        m_down.append(backend);
    }
    Q_EMIT backendHealthChanged(backend, down);
}

void ServerController::start(const QHostAddress &host, quint16 port)
{
    m_host = host;
    m_port = port;
    if (m_thread) {
        // The old server must have let go of its port before the new one binds (same port, new host).
        m_pendingStart = std::make_pair(host, port);
        stop();
        return;
    }
    launch();
}

bool ServerController::secureFor(const QHostAddress &host)
{
    if (host.isLoopback()) {
        return true;
    }
    // Anyone on the network could call (and spend) otherwise.
    m_config.access.requireKey = true;
    if (!m_config.access.apiKey.isEmpty()) {
        return true;
    }
    const auto stored = ApiKeyStore::loadOrCreate(m_apiKeyPath.isEmpty() ? ApiKeyStore::defaultPath() : m_apiKeyPath);
    if (!stored) {
        m_error =
            tr("listening beyond this machine needs an API key, and none could be stored: %1").arg(stored.error());
        setState(State::Failed);
        return false;
    }
    m_config.access.apiKey = stored->value;
    Redactor::registerSecret(stored->value);
    if (stored->created) {
        Q_EMIT apiKeyCreated(stored->value, m_apiKeyPath.isEmpty() ? ApiKeyStore::defaultPath() : m_apiKeyPath);
    }
    return true;
}

void ServerController::observeHealth()
{
    // The breaker reports on the gateway's thread; this object outlives that thread (its destructor
    // waits for it), so a queued call to it is safe.
    m_config.healthObserver = [this](const QByteArray &backend, bool down) {
        QMetaObject::invokeMethod(
            this, [this, backend, down] { onBackendHealth(backend, down); }, Qt::QueuedConnection);
    };
}

void ServerController::setConfig(GatewayConfig config)
{
    m_config = std::move(config);
    observeHealth();
    quint16 port = m_port;
    if (port == 0 && m_state == State::Listening && m_baseUrl.port() > 0) {
        port = quint16(m_baseUrl.port());
    }
    start(m_host, port);
}

void ServerController::launch()
{
    if (!secureFor(m_host)) {
        return;
    }
    m_error.clear();
    m_baseUrl.clear();
    m_connections = 0;
    m_down.clear(); // a new gateway starts with closed breakers
    setState(State::Starting);
    auto *thread = new GatewayThread(m_config, m_host, m_port, this);
    thread->setTrafficLog(m_traffic);
    m_thread = thread;
    connect(thread, &GatewayThread::listening, this, [this, thread](const QUrl &baseUrl) {
        if (thread != m_thread) {
            return;
        }
        m_baseUrl = baseUrl;
        setState(State::Listening);
    });
    connect(thread, &GatewayThread::failed, this, [this, thread](const QString &message) {
        if (thread != m_thread) {
            return;
        }
        m_error = message;
        setState(State::Failed);
    });
    connect(thread, &GatewayThread::connectionCountChanged, this, [this, thread](int count) {
        if (thread == m_thread) {
            m_connections = count;
            Q_EMIT countsChanged();
        }
    });
    connect(thread, &QThread::finished, this, [this, thread] {
        thread->deleteLater();
        if (thread != m_thread) {
            return;
        }
        m_thread.clear();
        if (m_state != State::Failed) {
            setState(State::Stopped);
        }
        if (m_pendingStart) {
            m_pendingStart.reset();
            launch();
        }
    });
    thread->start();
}

void ServerController::stop(std::chrono::milliseconds drain)
{
    if (m_thread) {
        m_thread->shutdown(drain);
    }
}

void ServerController::waitStopped(std::chrono::milliseconds timeout)
{
    if (m_thread) {
        m_thread->wait(QDeadlineTimer(timeout));
    }
}

} // namespace Switchboard::Core
