// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include "api/apierror.h"
#include "api/ids.h"
#include "httprequestguard.h"
#include "httprequesthandler.h"
#include "httpresponder.h"
#include "httpstatus.h"
#include "security/redactor.h"
#include "socketio.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>
#include <QtCore/QTimerEvent>
#include <QtNetwork/QTcpSocket>

#include <algorithm>
#include <charconv>
#include <limits>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcConnection, "switchboard.http.connection", QtWarningMsg)
Q_LOGGING_CATEGORY(lcAccess, "switchboard.access", QtWarningMsg)

// Request lines are client data: never let one forge a log line or move the terminal cursor.
// RFC 9110 asks origin servers with a clock to send Date; format it once per second.
const QByteArray &httpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = QDateTime::fromSecsSinceEpoch(now, Qt::UTC).toString(u"ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1();
    }
    return cached;
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, HttpRequestHandler &handler, HttpRequestGuard *guard,
                               const HttpServerLimits &limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_handler(handler)
    , m_guard(guard)
    , m_limits(limits)
    , m_parser(limits.request)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_drained && m_exchange != 0) {
            auto drained = m_drained; // the handler may end the exchange and clear m_drained
            drained();
        }
    });
    armTimer(m_limits.idleTimeout);
    if (m_socket->bytesAvailable() > 0) {
        // Not from the constructor: the server has not yet connected to closed().
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    }
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isCurrent(quint64 exchange) const
{
    return !m_closing && !m_closed && exchange != 0 && exchange == m_exchange;
}

bool HttpConnection::hasStarted(quint64 exchange) const
{
    return exchange == m_exchange && m_responseState != ResponseState::None;
}

void HttpConnection::armTimer(std::chrono::milliseconds timeout)
{
    m_timer.start(int(std::clamp<qint64>(timeout.count(), 0, std::numeric_limits<int>::max())), this);
}

void HttpConnection::armReadDeadline()
{
    if (m_closing || m_closed || m_exchange != 0) {
        return; // a response is being produced; dispatch() stopped the timer
    }
    const bool idle = m_input.isEmpty() && m_parser.isBetweenRequests();
    if (m_readPhase == ReadPhase::Idle && !idle) {
        m_readPhase = ReadPhase::Head; // the clock starts at the first byte, not at each read
        m_readClock.start();
    }
    armTimer(m_readPhase == ReadPhase::Idle ? m_limits.idleTimeout : readTimeLeft());
}

std::chrono::milliseconds HttpConnection::readTimeLeft() const
{
    const std::chrono::milliseconds elapsed{m_readClock.elapsed()};
    if (m_readPhase == ReadPhase::Head) {
        return m_limits.headTimeout - elapsed;
    }
    const qint64 received = m_parser.request().body.size() + m_input.size();
    const std::chrono::milliseconds earned{received * 1000 / std::max<qint64>(1, m_limits.minBodyBytesPerSecond)};
    return m_limits.bodyGrace + earned - elapsed;
}

void HttpConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    if (m_closing) {
        qCInfo(lcConnection) << "client took nothing while closing; resetting" << m_socket->peerAddress();
        resetConnection();
        return;
    }
    if (m_exchange != 0) {
        return; // a response is being produced; its own deadlines apply
    }
    if (m_readPhase == ReadPhase::Idle) {
        closeConnection(); // idle keep-alive connection
        return;
    }
    if (readTimeLeft().count() > 0) {
        armReadDeadline(); // a coarse timer may fire a little early
        return;
    }
    if (m_readPhase == ReadPhase::Head) {
        qCInfo(lcConnection) << "request head not complete in time from" << m_socket->peerAddress();
        failRequest(408, "Timed out reading the request head");
        return;
    }
    qCInfo(lcConnection) << "request body arrived too slowly from" << m_socket->peerAddress();
    failRequest(408, "The request body arrived too slowly");
}

void HttpConnection::onReadyRead()
{
    if (m_closing || m_closed) {
        m_socket->readAll(); // a closing connection reads nothing more, but must drain to see EOF
        return;
    }
    SocketIo::appendAvailable(*m_socket, m_input);
    if (m_exchange != 0) {
        // Bytes sent ahead while a response is in progress wait here, up to a bound.
        if (m_input.size() > m_limits.maxPipelinedBytes) {
            qCInfo(lcConnection) << "client sent too much ahead of its response; closing";
            closeConnection();
        }
        return;
    }
    processInput();
    armReadDeadline();
}

void HttpConnection::processInput()
{
    // Loops rather than recursing when handlers answer synchronously; a response that ends later
    // calls back in here through finishExchange().
    if (m_processing) {
        return;
    }
    m_processing = true;
    // The parser may have a complete request without more input (a GET's head ends it).
    while (!m_closing && !m_closed && m_exchange == 0) {
        qsizetype consumed = 0;
        const auto progress = m_parser.parse(m_input, consumed);
        m_input.remove(0, consumed);
        if (progress == HttpRequestParser::Progress::NeedMore) {
            break;
        }
        if (progress == HttpRequestParser::Progress::Error) {
            failRequest(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        if (progress == HttpRequestParser::Progress::HeadComplete) {
            m_guardHeaders = HttpHeaders();
            if (m_guard) {
                auto verdict = m_guard->inspect(m_parser.request());
                if (verdict.action == HttpRequestGuard::Verdict::Action::Respond) {
                    answerFromHead(verdict.status, verdict.headers, verdict.body);
                    continue;
                }
                m_guardHeaders = std::move(verdict.headers);
            }
            if (m_parser.contentLength() > 0 || m_parser.isChunked()) {
                m_readPhase = ReadPhase::Body; // the head is in; the body's rate is counted from here
                m_readClock.start();
            }
            if (m_parser.expectsContinue()) {
                write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            }
            continue;
        }
        dispatch();
    }
    m_processing = false;
}

void HttpConnection::dispatch()
{
    HttpRequest request = m_parser.takeRequest();
    m_keepAlive = m_parser.wantsKeepAlive() && !m_closeWhenIdle;
    m_parser.reset();
    request.peerAddress = m_socket->peerAddress();
    request.peerPort = m_socket->peerPort();
    m_headRequest = request.method == "HEAD";
    m_method = request.method;
    m_target = request.target.left(512);
    m_status = 0;
    m_started.start();
    m_chunked = request.minorVersion >= 1;
    m_responseState = ResponseState::None;
    m_exchange = ++m_lastExchange;
    m_readPhase = ReadPhase::Idle;
    m_timer.stop();
    m_handler.handleRequest(std::move(request), HttpResponder(this, m_exchange));
}

void HttpConnection::logExchange(const char *outcome) const
{
    qCInfo(lcAccess).noquote().nospace() << m_socket->peerAddress().toString() << ' '
                                         << Redactor::escapeControls(m_method) << ' ' << Redactor::forLog(m_target)
                                         << ' ' << m_status << ' ' << m_started.elapsed() << "ms" << outcome;
}

void HttpConnection::finishExchange()
{
    if (lcAccess().isInfoEnabled()) {
        logExchange("");
    }
    m_guardHeaders = HttpHeaders();
    m_exchange = 0;
    m_responseState = ResponseState::None;
    m_clientGone = nullptr;
    m_drained = nullptr;
    if (!m_keepAlive) {
        closeConnection();
        return;
    }
    processInput();
    armReadDeadline(); // a pipelined head's deadline starts now
}

void HttpConnection::failRequest(int status, const QByteArray &message)
{
    // A request we cannot frame leaves the byte stream in an unknown state: answer and close.
    ApiError error = ApiError::invalidRequest(message);
    error.type = status == 413 ? ApiErrorType::RequestTooLarge : ApiErrorType::InvalidRequest;
    error.statusOverride = status;
    const QByteArray requestId = Ids::requestId();
    const QByteArray body = error.toJson(requestId);
    qCInfo(lcAccess).noquote() << m_socket->peerAddress().toString() << "rejected a malformed request:" << status
                               << Redactor::forLog(message);
    QByteArray out;
    HttpHeaders headers{{"Content-Type", "application/json"}, {"request-id", requestId}, {"Connection", "close"}};
    writeHead(status, headers, body.size(), false, out);
    out.append(body);
    write(out);
    m_keepAlive = false;
    closeConnection();
}

void HttpConnection::answerFromHead(int status, const HttpHeaders &headers, const QByteArray &body)
{
    // The body (if any) was never read: the byte stream can only be trusted again on a new connection.
    const bool bodyPending = m_parser.contentLength() > 0 || m_parser.isChunked();
    const HttpRequest &head = m_parser.request();
    m_method = head.method;
    m_target = head.target.left(512);
    m_status = status;
    m_started.start();
    m_keepAlive = m_parser.wantsKeepAlive() && !bodyPending && !m_closeWhenIdle;
    m_headRequest = head.method == "HEAD";
    QByteArray out;
    writeHead(status, headers, body.size(), false, out);
    if (!m_headRequest) {
        out.append(body);
    }
    write(out);
    if (lcAccess().isInfoEnabled()) {
        logExchange(" (refused before the body)");
    }
    m_parser.reset();
    m_readPhase = ReadPhase::Idle;
    if (!m_keepAlive) {
        closeConnection();
    }
}

void HttpConnection::writeHead(int status, const HttpHeaders &headers, qint64 contentLength, bool chunked,
                               QByteArray &out) const
{
    out.append("HTTP/1.1 ");
    out.append(QByteArray::number(status));
    out.append(' ');
    out.append(HttpStatus::reasonPhrase(status));
    out.append("\r\nDate: ");
    out.append(httpDate());
    out.append("\r\nServer: Switchboard\r\n");
    for (const auto *list : {&headers, &m_guardHeaders}) {
        for (const auto &field : list->fields()) {
            out.append(field.first);
            out.append(": ");
            out.append(field.second);
            out.append("\r\n");
        }
    }
    if (contentLength >= 0) {
        out.append("Content-Length: ");
        out.append(QByteArray::number(contentLength));
        out.append("\r\n");
    }
    if (chunked) {
        out.append("Transfer-Encoding: chunked\r\n");
    }
    if (!m_keepAlive && !headers.contains("connection")) {
        out.append("Connection: close\r\n");
    }
    out.append("\r\n");
}

void HttpConnection::respond(quint64 exchange, int status, const HttpHeaders &headers, QByteArrayView body)
{
    if (!isCurrent(exchange) || m_responseState != ResponseState::None) {
        return;
    }
    QByteArray out;
    out.reserve(256 + body.size());
    m_status = status;
    writeHead(status, headers, body.size(), false, out);
    if (!m_headRequest) {
        out.append(body.data(), body.size());
    }
    m_responseState = ResponseState::Done;
    write(out);
    finishExchange();
}

void HttpConnection::beginStream(quint64 exchange, int status, const HttpHeaders &headers)
{
    if (!isCurrent(exchange) || m_responseState != ResponseState::None) {
        return;
    }
    if (!m_chunked) {
        m_keepAlive = false; // HTTP/1.0: the end of the body is the end of the connection
    }
    QByteArray out;
    m_status = status;
    writeHead(status, headers, -1, m_chunked, out);
    m_responseState = ResponseState::Streaming;
    write(out);
}

void HttpConnection::writeStream(quint64 exchange, QByteArrayView data)
{
    if (!isCurrent(exchange) || m_responseState != ResponseState::Streaming || data.isEmpty() || m_headRequest) {
        return;
    }
    if (!m_chunked) {
        write(data.toByteArray());
        return;
    }
    // One buffer, one write: size line, data, CRLF.
    char sizeLine[24];
    char *end = std::to_chars(sizeLine, sizeLine + 16, data.size(), 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    QByteArray out(qsizetype(end - sizeLine) + data.size() + 2, Qt::Uninitialized);
    char *to = out.data();
    to = std::copy(sizeLine, end, to);
    to = std::copy(data.begin(), data.end(), to);
    to[0] = '\r';
    to[1] = '\n';
    write(out);
}

void HttpConnection::endStream(quint64 exchange)
{
    if (!isCurrent(exchange) || m_responseState != ResponseState::Streaming) {
        return;
    }
    if (m_chunked && !m_headRequest) {
        write(QByteArrayLiteral("0\r\n\r\n"));
    }
    m_responseState = ResponseState::Done;
    finishExchange();
}

void HttpConnection::abortStream(quint64 exchange)
{
    if (!isCurrent(exchange)) {
        return;
    }
    if (lcAccess().isInfoEnabled()) {
        logExchange(" (aborted)");
    }
    m_responseState = ResponseState::Done;
    m_exchange = 0;
    m_clientGone = nullptr;
    m_drained = nullptr;
    m_keepAlive = false;
    // Not a graceful close: the client may not be reading, and a cut-off body must look cut off.
    resetConnection();
}

void HttpConnection::abandon(quint64 exchange)
{
    if (!isCurrent(exchange)) {
        return;
    }
    qCWarning(lcConnection) << "a request was dropped without an answer; sending 500";
    if (m_responseState == ResponseState::None) {
        const QByteArray requestId = Ids::requestId();
        const QByteArray body =
            ApiError::internal("Switchboard dropped this request without answering it").toJson(requestId);
        respond(exchange, 500, HttpHeaders{{"Content-Type", "application/json"}, {"request-id", requestId}}, body);
        return;
    }
    // Mid-stream: the body cannot be completed honestly, so end the connection.
    m_keepAlive = false;
    closeConnection();
}

void HttpConnection::setDrainHandler(quint64 exchange, std::function<void()> handler)
{
    if (exchange == m_exchange) {
        m_drained = std::move(handler);
    }
}

void HttpConnection::setClientGoneHandler(quint64 exchange, std::function<void()> handler)
{
    if (exchange == m_exchange) {
        m_clientGone = std::move(handler);
    }
}

qint64 HttpConnection::bytesPending() const
{
    return m_closed ? 0 : m_socket->bytesToWrite();
}

void HttpConnection::closeWhenIdle()
{
    m_closeWhenIdle = true;
    m_keepAlive = false;
    // A request already on its way is still read and answered (the head deadline and the body's
    // minimum rate bound it).
    if (m_exchange == 0 && m_input.isEmpty() && m_parser.isBetweenRequests()) {
        closeConnection();
    }
}

void HttpConnection::write(const QByteArray &bytes)
{
    if (m_closing || m_closed || m_socket->state() != QAbstractSocket::ConnectedState) {
        return;
    }
    // Now, not on the next turn of the event loop: one loop turn costs more than the send.
    SocketIo::writeNow(*m_socket, bytes, true);
}

void HttpConnection::closeConnection()
{
    if (m_closing || m_closed) {
        return;
    }
    m_closing = true;
    m_timer.stop();
    // disconnectFromHost() sends what is buffered first, then emits disconnected().
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        onDisconnected();
        return;
    }
    armTimer(m_limits.lingerTimeout);
}

void HttpConnection::reset()
{
    resetConnection();
}

void HttpConnection::resetConnection()
{
    if (m_closed) {
        return;
    }
    m_closing = true;
    m_timer.stop();
    m_socket->abort();
    onDisconnected(); // abort() does not always emit disconnected(); this runs once either way
}

void HttpConnection::onDisconnected()
{
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_timer.stop();
    if (m_exchange != 0 && m_responseState != ResponseState::Done) {
        if (lcAccess().isInfoEnabled()) {
            logExchange(" (client disconnected)");
        }
        // Move the handler out first: it may destroy the responder, which clears m_clientGone.
        auto clientGone = std::exchange(m_clientGone, nullptr);
        m_exchange = 0;
        if (clientGone) {
            clientGone();
        }
    }
    m_exchange = 0;
    Q_EMIT closed();
    deleteLater();
}

} // namespace Switchboard::Core
