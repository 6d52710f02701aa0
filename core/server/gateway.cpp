// SPDX-License-Identifier: MIT
#include "gateway.h"

#include "apiserver.h"
#include "http/httpclient.h"
#include "http/httpserver.h"
#include "routing/modelrouter.h"
#include "security/accesspolicy.h"

namespace Switchboard::Core {

Gateway::Gateway(const GatewayConfig &config, ServerOptions options, HttpServerLimits limits, QObject *parent)
    : QObject(parent)
    , m_access(std::make_unique<AccessPolicy>(config.access))
    , m_client(new HttpClient(this))
    , m_router(ModelRouter::fromConfig(config, *m_client))
    , m_api(new ApiServer(*m_router, *m_access, options, this))
    , m_http(new HttpServer(*m_api, m_access.get(), limits, this))
{
    connect(m_http, &HttpServer::connectionCountChanged, this, &Gateway::connectionCountChanged);
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

void Gateway::closeGracefully()
{
    m_http->closeGracefully();
}

int Gateway::connectionCount() const
{
    return m_http->connectionCount();
}

QUrl Gateway::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_http->serverAddress().toString());
    url.setPort(m_http->serverPort());
    return url;
}

} // namespace Switchboard::Core
