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
    , m_handler(&handler)
{
    if (m_request.firstContentTimeout.count() > 0) {
        m_firstContentDeadline.setRemainingTime(m_request.firstContentTimeout);
    }
    if (m_request.totalTimeout.count() > 0) {
        m_totalDeadline.setRemainingTime(m_request.totalTimeout);
    }
}

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

void HttpClientCall::contentArrived()
{
    if (m_firstContentDeadline.isForever()) {
        return;
    }
    m_firstContentDeadline = QDeadlineTimer(QDeadlineTimer::Forever);
    if (auto *connection = m_connection.data()) {
        connection->armDeadlines();
    }
}

void HttpClientCall::setPaused(bool paused)
{
    if (auto *connection = m_connection.data()) {
        connection->setPaused(paused);
    }
}

// Reads what is left of a call's response into nothing, then lets the call go.
struct HttpClient::Drain final : HttpClientHandler
{
    HttpClient *client = nullptr;
    std::unique_ptr<HttpClientCall> call;

    void onResponseHead(const HttpResponseHead &) override {}
    void onResponseData(QByteArrayView) override {}
    void onResponseEnd() override { client->finishDrain(this); }
    void onFailure(const HttpClientError &) override { client->finishDrain(this); }
};

HttpClient::HttpClient(QObject *parent)
    : QObject(parent)
{}

HttpClient::~HttpClient() = default;

void HttpClient::drain(std::unique_ptr<HttpClientCall> call, std::chrono::milliseconds grace)
{
    HttpClientConnection *connection = call ? call->m_connection.data() : nullptr;
    if (!connection || call->m_finished) {
        return; // nothing left to read: dropping the call is free
    }
    auto drain = std::make_unique<Drain>();
    drain->client = this;
    call->m_handler = drain.get();
    call->m_request.idleTimeout = grace;
    call->m_request.firstByteTimeout = grace;
    connection->rearmTimer();
    drain->call = std::move(call);
    m_drains.push_back(std::move(drain));
}

void HttpClient::finishDrain(Drain *drain)
{
    // Called from inside the connection's own callback: the call goes once that has returned.
    QMetaObject::invokeMethod(
        this,
        [this, drain] {
            std::erase_if(m_drains, [drain](const std::unique_ptr<Drain> &each) { return each.get() == drain; });
        },
        Qt::QueuedConnection);
}

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
