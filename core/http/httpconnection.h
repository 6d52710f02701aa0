// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"
#include "httprequestparser.h"
#include "httpserverlimits.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>

#include <functional>

class QTcpSocket;

namespace Switchboard::Core {

class HttpRequestGuard;
class HttpRequestHandler;

// One client connection: reads requests with the strict parser, hands each to the handler, and
// writes its response. Requests are served one at a time in arrival order (pipelined requests wait
// in the buffer), so responses can never be reordered.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, HttpRequestHandler &handler, HttpRequestGuard *guard,
                   const HttpServerLimits &limits, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Used by HttpResponder; `exchange` guards against a stale responder of an earlier request.
    bool isCurrent(quint64 exchange) const;
    bool hasStarted(quint64 exchange) const;
    void respond(quint64 exchange, int status, const HttpHeaders &headers, QByteArrayView body);
    void beginStream(quint64 exchange, int status, const HttpHeaders &headers);
    void writeStream(quint64 exchange, QByteArrayView data);
    void endStream(quint64 exchange);
    void abortStream(quint64 exchange);
    void abandon(quint64 exchange);
    void setClientGoneHandler(quint64 exchange, std::function<void()> handler);
    void setDrainHandler(quint64 exchange, std::function<void()> handler);
    qint64 bytesPending() const;

    // Drops the connection now; a response under way is lost (its client-gone handler runs).
    void reset();
    // Closes after the current response (or now, when idle). Used on shutdown.
    void closeWhenIdle();

Q_SIGNALS:
    void closed();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    // What the read deadline bounds: nothing (the idle timeout), a head, or a body.
    enum class ReadPhase
    {
        Idle,
        Head,
        Body,
    };

    enum class ResponseState
    {
        None,
        Streaming,
        Done,
    };

    void onReadyRead();
    void onDisconnected();
    void processInput();
    void dispatch();
    void finishExchange();
    void failRequest(int status, const QByteArray &message);
    // Answers a request the guard refused (or a CORS preflight) from its head alone.
    void answerFromHead(int status, const HttpHeaders &headers, const QByteArray &body);
    void writeHead(int status, const HttpHeaders &headers, qint64 contentLength, bool chunked, QByteArray &out) const;
    void write(const QByteArray &bytes);
    void closeConnection();
    void resetConnection();
    void armTimer(std::chrono::milliseconds timeout);
    // Arms the idle timeout, the head deadline or the body's rate deadline, whichever applies.
    void armReadDeadline();
    std::chrono::milliseconds readTimeLeft() const;
    void logExchange(const char *outcome) const;

    QTcpSocket *m_socket;
    HttpRequestHandler &m_handler;
    HttpRequestGuard *m_guard;
    HttpServerLimits m_limits;
    HttpRequestParser m_parser;
    QByteArray m_input;
    QBasicTimer m_timer;
    ReadPhase m_readPhase = ReadPhase::Idle;
    QElapsedTimer m_readClock; // since the first byte of the head, or the end of the head

    quint64 m_exchange = 0; // current request, 0 when none
    quint64 m_lastExchange = 0;
    ResponseState m_responseState = ResponseState::None;
    bool m_headRequest = false;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_closing = false; // no more requests or writes; waiting for the socket to flush and close
    bool m_closed = false;  // the socket has disconnected
    bool m_closeWhenIdle = false;
    bool m_processing = false;
    std::function<void()> m_clientGone;
    std::function<void()> m_drained;
    HttpHeaders m_guardHeaders; // added to the current response (CORS)

    // For the access log.
    QByteArray m_method;
    QByteArray m_target;
    int m_status = 0;
    QElapsedTimer m_started;
};

} // namespace Switchboard::Core
