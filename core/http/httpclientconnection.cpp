// SPDX-License-Identifier: MIT
#include "httpclientconnection.h"

#include "socketio.h"
#include "traffic/exchangetap.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimerEvent>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcClient, "switchboard.http.client", QtWarningMsg)

// How long a pooled connection may sit unused; shorter than common server keep-alive timeouts
// would be safer, but a stale connection is detected and the request retried once anyway.
constexpr std::chrono::milliseconds PooledIdleTimeout{30'000};
constexpr qint64 PausedReadBuffer = 64 * 1024;
} // namespace

HttpClientConnection::HttpClientConnection(QByteArray originKey, const QUrl &url, HttpClient *client)
    : QObject(client)
    , m_originKey(std::move(originKey))
    , m_host(url.host())
    , m_port(quint16(url.port(url.scheme() == u"https" ? 443 : 80)))
    , m_tls(url.scheme() == u"https")
    , m_client(client)
    , m_socket(m_tls ? new QSslSocket(this) : new QTcpSocket(this))
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpClientConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpClientConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpClientConnection::onSocketError);
    if (m_tls) {
        connect(static_cast<QSslSocket *>(m_socket), &QSslSocket::encrypted, this, &HttpClientConnection::onConnected);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &HttpClientConnection::onConnected);
    }
}

HttpClientConnection::~HttpClientConnection()
{
    if (m_client) {
        m_client->forget(this);
    }
}

void HttpClientConnection::armTimer(std::chrono::milliseconds timeout)
{
    armTimer(m_timer, timeout);
}

void HttpClientConnection::armTimer(QBasicTimer &timer, std::chrono::milliseconds timeout)
{
    timer.start(int(qMin<qint64>(timeout.count(), std::numeric_limits<int>::max())), this);
}

void HttpClientConnection::armDeadlines()
{
    m_deadlineTimer.stop();
    if (!m_call) {
        return;
    }
    const QDeadlineTimer nearer = std::min(m_call->m_firstContentDeadline, m_call->m_totalDeadline);
    if (!nearer.isForever()) {
        armTimer(m_deadlineTimer, std::chrono::milliseconds(std::max<qint64>(nearer.remainingTime(), 0)));
    }
}

void HttpClientConnection::start(HttpClientCall *call, bool reused)
{
    m_call = call;
    m_reused = reused;
    armDeadlines();
    m_parser.reset();
    m_parser.setHeadRequest(call->m_request.method == "HEAD");
    m_buffer.clear();
    if (m_connected) {
        sendRequest();
        return;
    }
    m_phase = Phase::Connecting;
    armTimer(call->m_request.connectTimeout);
    if (m_tls) {
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(m_host, m_port);
    } else {
        m_socket->connectToHost(m_host, m_port);
    }
}

void HttpClientConnection::onConnected()
{
    m_connected = true;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_call) {
        sendRequest();
    }
}

void HttpClientConnection::sendRequest()
{
    const HttpClientRequest &request = m_call->m_request;
    QByteArray target = request.url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty()) {
        target = "/";
    }
    if (request.url.hasQuery()) {
        target += '?' + request.url.query(QUrl::FullyEncoded).toUtf8();
    }
    const bool defaultPort = m_port == (m_tls ? 443 : 80);
    QByteArray out;
    out.reserve(256 + request.body.size());
    out.append(request.method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ");
    out.append(QUrl::toAce(m_host));
    if (!defaultPort) {
        out.append(':').append(QByteArray::number(m_port));
    }
    out.append("\r\n");
    bool hasUserAgent = false;
    for (const auto &field : request.headers.fields()) {
        hasUserAgent = hasUserAgent || field.first.compare("user-agent", Qt::CaseInsensitive) == 0;
        out.append(field.first).append(": ").append(field.second).append("\r\n");
    }
    if (!hasUserAgent) {
        out.append("User-Agent: Switchboard\r\n");
    }
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT") {
        out.append("Content-Length: ").append(QByteArray::number(request.body.size())).append("\r\n");
    }
    out.append("\r\n");
    out.append(request.body);
    if (request.tap) {
        request.tap->upstreamRequest(request.method, request.url, request.headers, request.body);
    }
    m_phase = Phase::AwaitingHead;
    armTimer(request.firstByteTimeout);
    SocketIo::writeNow(*m_socket, out, !m_tls);
}

void HttpClientConnection::rearmTimer()
{
    if (m_call) {
        armTimer(m_phase == Phase::AwaitingHead ? m_call->m_request.firstByteTimeout : m_call->m_request.idleTimeout);
    }
}

void HttpClientConnection::setPaused(bool paused)
{
    if (paused == m_paused) {
        return;
    }
    m_paused = paused;
    // While paused, bytes stay in the socket; once its buffer is full Qt stops reading the kernel.
    m_socket->setReadBufferSize(paused ? PausedReadBuffer : 0);
    if (!paused && m_socket->bytesAvailable() > 0) {
        QMetaObject::invokeMethod(this, &HttpClientConnection::onReadyRead, Qt::QueuedConnection);
    }
}

void HttpClientConnection::onReadyRead()
{
    if (m_paused) {
        return;
    }
    SocketIo::appendAvailable(*m_socket, m_buffer);
    if (!m_call) {
        if (m_phase == Phase::Idle && !m_buffer.isEmpty()) {
            qCInfo(lcClient) << "unexpected bytes on an idle connection; closing";
            close();
        }
        return;
    }
    QPointer<HttpClientConnection> self(this);
    qsizetype offset = 0;
    while (self && m_call) {
        QByteArrayView data;
        const auto event = m_parser.next(m_buffer, offset, data);
        switch (event) {
        case HttpResponseParser::Event::NeedMore:
            m_buffer.remove(0, offset);
            armTimer(m_phase == Phase::AwaitingHead ? m_call->m_request.firstByteTimeout
                                                    : m_call->m_request.idleTimeout);
            m_call->m_handler->onReadDone();
            return;
        case HttpResponseParser::Event::Head:
            m_phase = Phase::ReadingBody;
            armTimer(m_call->m_request.idleTimeout);
            if (const auto &tap = m_call->m_request.tap) {
                tap->upstreamHead(m_parser.head());
            }
            m_call->m_handler->onResponseHead(m_parser.head());
            break;
        case HttpResponseParser::Event::Data:
            if (const auto &tap = m_call->m_request.tap) {
                tap->upstreamBody(data);
            }
            m_call->m_handler->onResponseData(data);
            break;
        case HttpResponseParser::Event::End:
            m_buffer.remove(0, offset);
            complete();
            return;
        case HttpResponseParser::Event::Error:
            failCall({HttpClientError::Kind::Protocol, QString::fromUtf8(m_parser.errorMessage())});
            return;
        }
    }
}

void HttpClientConnection::complete()
{
    HttpClientCall *call = std::exchange(m_call, nullptr);
    call->m_finished = true;
    call->m_connection.clear();
    m_timer.stop();
    m_deadlineTimer.stop();
    const bool reusable =
        m_parser.keepAlive() && m_buffer.isEmpty() && m_client && m_socket->state() == QAbstractSocket::ConnectedState;
    if (reusable) {
        m_phase = Phase::Idle;
        armTimer(PooledIdleTimeout);
        m_client->recycle(this);
    } else {
        close();
    }
    if (const auto &tap = call->m_request.tap) {
        tap->upstreamEnd({});
    }
    // Last: the handler may start its next request, possibly on this very connection.
    call->m_handler->onResponseEnd();
}

void HttpClientConnection::failCall(HttpClientError error)
{
    HttpClientCall *call = std::exchange(m_call, nullptr);
    close();
    if (!call) {
        return;
    }
    // A pooled connection the server closed while idle fails before any response byte: the request
    // never reached the application, so it is sent once more on a fresh connection.
    const bool stale =
        m_reused && !m_parser.hasStarted() && !call->m_retried &&
        (error.kind == HttpClientError::Kind::ConnectionClosed || error.kind == HttpClientError::Kind::Network);
    if (stale && call->m_client) {
        call->m_retried = true;
        call->m_client->dispatch(call, false);
        return;
    }
    call->m_finished = true;
    call->m_connection.clear();
    if (const auto &tap = call->m_request.tap) {
        tap->upstreamEnd(error.message);
    }
    call->m_handler->onFailure(error);
}

void HttpClientConnection::abortCall()
{
    if (m_call && m_call->m_request.tap) {
        m_call->m_request.tap->upstreamCancelled();
    }
    m_call = nullptr;
    close();
}

void HttpClientConnection::close()
{
    if (m_phase == Phase::Closed) {
        return;
    }
    m_phase = Phase::Closed;
    m_timer.stop();
    m_deadlineTimer.stop();
    if (m_client) {
        m_client->forget(this);
        m_client.clear();
    }
    m_socket->abort();
    deleteLater();
}

void HttpClientConnection::onDisconnected()
{
    if (m_phase == Phase::Closed) {
        return;
    }
    if (!m_call) {
        close(); // the server closed an idle pooled connection
        return;
    }
    // Consume anything that arrived with the FIN before judging the response.
    m_paused = false;
    if (m_socket->bytesAvailable() > 0) {
        onReadyRead();
        if (!m_call) {
            return;
        }
    }
    if (m_phase == Phase::ReadingBody && m_parser.finishAtEof() == HttpResponseParser::Event::End) {
        complete(); // a body delimited by the connection closing
        return;
    }
    failCall({HttpClientError::Kind::ConnectionClosed, QStringLiteral("the server closed the connection early")});
}

void HttpClientConnection::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_phase == Phase::Closed) {
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError) {
        return; // handled by onDisconnected(), which knows whether the body was complete
    }
    if (!m_call) {
        close();
        return;
    }
    HttpClientError failure{HttpClientError::Kind::Network, m_socket->errorString()};
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        failure.kind = HttpClientError::Kind::ConnectionRefused;
        break;
    case QAbstractSocket::HostNotFoundError:
        failure.kind = HttpClientError::Kind::HostNotFound;
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        failure.kind = HttpClientError::Kind::Tls;
        break;
    default:
        break;
    }
    failCall(failure);
}

void HttpClientConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_deadlineTimer.timerId()) {
        m_deadlineTimer.stop();
        if (!m_call) {
            return;
        }
        if (m_call->m_totalDeadline.hasExpired()) {
            failCall({HttpClientError::Kind::TotalTimeout, QStringLiteral("the call took too long")});
        } else if (m_call->m_firstContentDeadline.hasExpired()) {
            failCall({HttpClientError::Kind::FirstContentTimeout, QStringLiteral("no content in time")});
        } else {
            armDeadlines(); // a coarse timer fired early
        }
        return;
    }
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    switch (m_phase) {
    case Phase::Connecting:
        failCall({HttpClientError::Kind::ConnectTimeout, QStringLiteral("connecting timed out")});
        break;
    case Phase::AwaitingHead:
        failCall({HttpClientError::Kind::FirstByteTimeout, QStringLiteral("no response in time")});
        break;
    case Phase::ReadingBody:
        failCall({HttpClientError::Kind::IdleTimeout, QStringLiteral("the response stalled")});
        break;
    case Phase::Idle:
        close();
        break;
    case Phase::Closed:
        break;
    }
}

} // namespace Switchboard::Core
