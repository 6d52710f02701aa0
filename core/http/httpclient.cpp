// SPDX-License-Identifier: MIT
#include "httpclient.h"

#include "httpclientconnection.h"

namespace Switchboard::Core {

namespace {

QByteArray originKeyOf(const QUrl &url)
{
    const bool tls = url.scheme() == u"https";
    return (url.scheme() + u"://" + url.host().toLower() + u':' + QString::number(url.port(tls ? 443 : 80))).toUtf8();
}

} // namespace

HttpClientCall::HttpClientCall(HttpClient *client, HttpClientRequest request, HttpClientHandler &handler)
    : m_client(client)
    , m_request(std::move(request))
    , m_handler(handler)
{}

HttpClientCall::~HttpClientCall()
{
    abort();
}

void HttpClientCall::abort()
{
    m_finished = true;
    if (auto *connection = m_connection.data()) {
        m_connection.clear();
        connection->abortCall();
    }
}

void HttpClientCall::setPaused(bool paused)
{
    if (auto *connection = m_connection.data()) {
        connection->setPaused(paused);
    }
}

HttpClient::HttpClient(QObject *parent)
    : QObject(parent)
{}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClientCall> HttpClient::send(HttpClientRequest request, HttpClientHandler &handler)
{
    std::unique_ptr<HttpClientCall> call(new HttpClientCall(this, std::move(request), handler));
    dispatch(call.get(), true);
    return call;
}

void HttpClient::dispatch(HttpClientCall *call, bool allowReuse)
{
    const QByteArray key = originKeyOf(call->m_request.url);
    if (allowReuse) {
        auto it = m_idle.find(key);
        if (it != m_idle.end() && !it->isEmpty()) {
            HttpClientConnection *connection = it->takeLast();
            if (it->isEmpty()) {
                m_idle.erase(it);
            }
            call->m_connection = connection;
            connection->start(call, true);
            return;
        }
    }
    auto *connection = new HttpClientConnection(key, call->m_request.url, this);
    ++m_openConnections;
    call->m_connection = connection;
    connection->start(call, false);
}

void HttpClient::recycle(HttpClientConnection *connection)
{
    auto &idle = m_idle[connection->originKey()];
    if (idle.size() >= m_maxIdlePerOrigin) {
        connection->abortCall();
        return;
    }
    idle.append(connection);
}

void HttpClient::forget(HttpClientConnection *connection)
{
    --m_openConnections;
    auto it = m_idle.find(connection->originKey());
    if (it != m_idle.end()) {
        it->removeOne(connection);
        if (it->isEmpty()) {
            m_idle.erase(it);
        }
    }
}

int HttpClient::idleConnectionCount() const
{
    int count = 0;
    for (const auto &list : m_idle) {
        count += int(list.size());
    }
    return count;
}

} // namespace Switchboard::Core
