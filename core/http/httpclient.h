// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"
#include "httpresponseparser.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QUrl>

#include <chrono>
#include <memory>
#include <vector>

namespace Switchboard::Core {

class HttpClient;
class HttpClientConnection;

class ExchangeTap;

struct HttpClientRequest
{
    QByteArray method = "POST";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    // Until the TCP (and TLS) connection is up.
    std::chrono::milliseconds connectTimeout{5'000};
    // From the request being sent to the response head: long, because local servers load models first.
    std::chrono::milliseconds firstByteTimeout{600'000};
    // Between two reads of the response body. A backend that sends a keep-alive every few seconds
    // never reaches it: the two deadlines below bound such a call.
    std::chrono::milliseconds idleTimeout{300'000};
    // From the call's start to its first piece of content, which only the handler can recognise
    // (it calls HttpClientCall::contentArrived; keep-alive comments and pings do not count).
    // Zero: none.
    std::chrono::milliseconds firstContentTimeout{0};
    // From the call's start to the end of the response, however steadily bytes arrive. Zero: none.
    std::chrono::milliseconds totalTimeout{0};
    // Where the inspector records this upstream leg, if anywhere.
    std::shared_ptr<ExchangeTap> tap;
};

struct HttpClientError
{
    enum class Kind
    {
        ConnectionRefused,
        HostNotFound,
        ConnectTimeout,
        FirstByteTimeout,
        IdleTimeout,
        FirstContentTimeout,
        TotalTimeout,
        ConnectionClosed, // the peer closed before the response was complete
        Protocol,         // the peer's bytes were not HTTP we can read
        Tls,
        Network,
    };
    Kind kind = Kind::Network;
    QString message;
};

// Receives one response. Calls arrive on the client's thread, in order: head, data*, then end —
// or failure at any point. A handler may abort (or destroy) its call from inside any callback.
class HttpClientHandler
{
public:
    virtual ~HttpClientHandler() = default;
    virtual void onResponseHead(const HttpResponseHead &head) = 0;
    virtual void onResponseData(QByteArrayView data) = 0; // body bytes, transfer framing removed
    // After all the data of one socket read: where a relay writes what it made of it, so that a
    // read of many upstream chunks leaves as one write instead of one per chunk.
    virtual void onReadDone() {}
    virtual void onResponseEnd() = 0;
    virtual void onFailure(const HttpClientError &error) = 0;
};

// One request in flight. Destroying it aborts the request and closes its connection, which is
// how an upstream server learns the client has gone.
class HttpClientCall final
{
public:
    ~HttpClientCall();
    HttpClientCall(const HttpClientCall &) = delete;
    HttpClientCall &operator=(const HttpClientCall &) = delete;

    void abort();
    bool isFinished() const { return m_finished; }
    // Stops reading the response (the kernel's buffers fill and TCP slows the server down).
    void setPaused(bool paused);
    // The handler saw content: the first-content deadline no longer applies.
    void contentArrived();

private:
    friend class HttpClient;
    friend class HttpClientConnection;
    HttpClientCall(HttpClient *client, HttpClientRequest request, HttpClientHandler &handler);

    QPointer<HttpClient> m_client;
    HttpClientRequest m_request;
    HttpClientHandler *m_handler; // changes once: to the client's drain when the caller lets go early
    QPointer<HttpClientConnection> m_connection;
    // Set when the call is made, so a retry on a fresh connection does not restart them.
    QDeadlineTimer m_firstContentDeadline{QDeadlineTimer::Forever};
    QDeadlineTimer m_totalDeadline{QDeadlineTimer::Forever};
    bool m_finished = false;
    bool m_retried = false;
};

// A keep-alive HTTP/1.1 client with its own connection pool and no per-host connection cap:
// Qt 6.4's QNetworkAccessManager allows six parallel connections per host, which would queue a
// relay's streams behind each other, and costs about four times the CPU per request.
class HttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClient)

public:
    explicit HttpClient(QObject *parent = nullptr);
    ~HttpClient() override;

    std::unique_ptr<HttpClientCall> send(HttpClientRequest request, HttpClientHandler &handler);
    // Takes over a call whose caller needs nothing more from it (the answer was complete, only the
    // end of the body is still to come): the rest is read and dropped, so the connection goes back
    // to the pool instead of being closed, which would cost the next request a new connection and
    // leave a TIME_WAIT socket behind. Past `grace` the connection is closed after all.
    void drain(std::unique_ptr<HttpClientCall> call, std::chrono::milliseconds grace);

    int idleConnectionCount() const;
    int openConnectionCount() const { return m_openConnections; }

private:
    friend class HttpClientCall;
    friend class HttpClientConnection;

    struct Drain;
    void dispatch(HttpClientCall *call, bool allowReuse);
    void finishDrain(Drain *drain);
    void recycle(HttpClientConnection *connection);
    void forget(HttpClientConnection *connection);

    QHash<QByteArray, QList<HttpClientConnection *>> m_idle;
    std::vector<std::unique_ptr<Drain>> m_drains;
    int m_openConnections = 0;
    int m_maxIdlePerOrigin = 64;
};

} // namespace Switchboard::Core
