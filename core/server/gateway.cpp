// SPDX-License-Identifier: MIT
#include "gateway.h"

#include "apiserver.h"
#include "http/httpclient.h"
#include "http/httpserver.h"
#include "routing/modelrouter.h"
#include "security/accesspolicy.h"
#include "security/redactor.h"
#include "traffic/prefixtracker.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimerEvent>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcGateway, "switchboard.gateway", QtInfoMsg)
constexpr int LastCallMs = 1000;
} // namespace

Gateway::Gateway(const GatewayConfig &config, ServerOptions options, HttpServerLimits limits, QObject *parent)
    : QObject(parent)
    , m_access(std::make_unique<AccessPolicy>(config.access))
    , m_client(new HttpClient(this))
    , m_router(ModelRouter::fromConfig(config, *m_client))
    , m_prefixTracker(std::make_unique<PrefixTracker>())
    , m_api(new ApiServer(*m_router, *m_access, options, this))
    , m_http(new HttpServer(*m_api, m_access.get(), limits, this))
{
    m_api->setPrefixTracker(m_prefixTracker.get());
    connect(m_http, &HttpServer::connectionCountChanged, this, &Gateway::onConnectionCountChanged);
    // Whatever their shape, configured keys never reach a log or an error message.
    Redactor::registerSecret(config.access.apiKey);
    for (const BackendConfig &backend : config.backends) {
        Redactor::registerSecret(backend.apiKey);
    }
}

Gateway::~Gateway()
{
    // Children are destroyed after this body; end them in dependency order while the router and the
    // access policy live.
    delete m_http;
    delete m_api;
    delete m_client;
}

Result<quint16, QString> Gateway::listen(const QHostAddress &address, quint16 port)
{
    auto bound = m_http->listen(address, port);
    if (bound) {
        m_access->setListenAddress(address, *bound);
    }
    return bound;
}

void Gateway::shutdown(std::chrono::milliseconds deadline)
{
    if (m_shuttingDown) {
        return;
    }
    m_shuttingDown = true;
    qCInfo(lcGateway) << "shutting down:" << m_http->connectionCount() << "connections open";
    m_api->refuseNewRequests();
    m_http->closeGracefully();
    if (m_http->connectionCount() == 0) {
        QMetaObject::invokeMethod(this, &Gateway::drained, Qt::QueuedConnection);
        return;
    }
    m_deadline.start(int(deadline.count()), this);
}

void Gateway::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_deadline.timerId()) {
        m_deadline.stop();
        qCInfo(lcGateway) << "shutdown deadline reached: ending" << m_http->connectionCount() << "connections";
        m_api->interruptAll(ApiError::overloaded("Switchboard is shutting down"));
        // The error frames get a moment to leave; clients that do not read them are reset.
        m_lastCall.start(LastCallMs, this);
        return;
    }
    if (event->timerId() == m_lastCall.timerId()) {
        m_lastCall.stop();
        m_http->resetAll();
        return;
    }
    QObject::timerEvent(event);
}

void Gateway::onConnectionCountChanged(int count)
{
    Q_EMIT connectionCountChanged(count);
    if (m_shuttingDown && count == 0) {
        m_deadline.stop();
        m_lastCall.stop();
        Q_EMIT drained();
    }
}

void Gateway::setTrafficLog(TrafficLog *log)
{
    m_api->setTrafficLog(log);
}

int Gateway::connectionCount() const
{
    return m_http->connectionCount();
}

int Gateway::idleUpstreamConnectionCount() const
{
    return m_client->idleConnectionCount();
}

QUrl Gateway::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    // Listening on every address: this machine's own clients (the window's chat) use loopback.
    QHostAddress address = m_http->serverAddress();
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any) {
        address = QHostAddress::LocalHost;
    } else if (address == QHostAddress::AnyIPv6) {
        address = QHostAddress::LocalHostIPv6;
    }
    url.setHost(address.toString());
    url.setPort(m_http->serverPort());
    return url;
}

} // namespace Switchboard::Core
