// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"

#include <QtCore/QPointer>

#include <functional>
#include <memory>

namespace Switchboard::Core {

class ExchangeTap;
class HttpConnection;

// The right to answer one request. It holds the connection weakly: once the client has gone,
// every write is a no-op and isConnected() is false, so nothing is ever written to a freed socket.
// A responder destroyed without answering sends a 500, so every request path answers.
class HttpResponder
{
public:
    HttpResponder() = default;
    HttpResponder(HttpConnection *connection, quint64 exchange);
    HttpResponder(HttpResponder &&other) noexcept;
    HttpResponder &operator=(HttpResponder &&other) noexcept;
    ~HttpResponder();
    HttpResponder(const HttpResponder &) = delete;
    HttpResponder &operator=(const HttpResponder &) = delete;

    bool isConnected() const;
    // Whether a status line has gone out (then errors must travel inside the body).
    bool hasStarted() const;

    // A complete response with a Content-Length.
    void respond(int status, const HttpHeaders &headers, QByteArrayView body);
    // A streamed response: chunked on HTTP/1.1, delimited by closing the connection on HTTP/1.0.
    void beginStream(int status, const HttpHeaders &headers);
    void writeStream(QByteArrayView data);
    void endStream();
    // Ends a stream that cannot be completed honestly: the connection closes without the final
    // chunk, so the client sees an incomplete response rather than a truncated one that looks whole.
    void abortStream();

    // Called once if the client disconnects before the response has ended.
    void setClientGoneHandler(std::function<void()> handler);
    // Called whenever written bytes reached the kernel (the client is reading).
    void setDrainHandler(std::function<void()> handler);
    // Bytes accepted but not yet handed to the kernel.
    qint64 bytesPending() const;

    // Records what is answered (and whether the client stayed) in the traffic inspector.
    void setTap(std::shared_ptr<ExchangeTap> tap) { m_tap = std::move(tap); }
    ExchangeTap *tap() const { return m_tap.get(); }
    const std::shared_ptr<ExchangeTap> &sharedTap() const { return m_tap; }

private:
    HttpConnection *activeConnection() const;
    void release();

    QPointer<HttpConnection> m_connection;
    quint64 m_exchange = 0;
    std::shared_ptr<ExchangeTap> m_tap;
};

} // namespace Switchboard::Core
