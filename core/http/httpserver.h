// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "httpserverlimits.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtNetwork/QHostAddress>

class QTcpServer;

namespace Switchboard::Core {

class HttpConnection;
class HttpRequestGuard;
class HttpRequestHandler;

// Accepts TCP connections and serves HTTP/1.1 on them with HttpConnection. Everything runs on the
// thread that owns the server.
class HttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    // `guard`, when given, sees every request head first (and must outlive the server).
    HttpServer(HttpRequestHandler &handler, HttpRequestGuard *guard, HttpServerLimits limits = {},
               QObject *parent = nullptr);
    ~HttpServer() override;

    // Returns the bound port (useful with port 0) or a message saying why listening failed.
    // 127.0.0.1 also binds [::1] on the same port when it can, so that "localhost" works for
    // clients that resolve it to the IPv6 loopback first (Node 18, many browsers).
    Result<quint16, QString> listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    int connectionCount() const { return int(m_connections.size()); }

    // Stops accepting and closes every connection once its current response has ended.
    void closeGracefully();
    // Drops every connection at once, whatever it was doing (the end of a shutdown).
    void resetAll();

Q_SIGNALS:
    void connectionCountChanged(int count);

private:
    void acceptConnections(QTcpServer *listener);
    // Whether a new connection from `client` stays within the caps (which apply beyond loopback).
    bool admits(const QHostAddress &client) const;

    QTcpServer *addListener();

    HttpRequestHandler &m_handler;
    HttpRequestGuard *m_guard;
    HttpServerLimits m_limits;
    QTcpServer *m_listener;
    QTcpServer *m_loopbackV6 = nullptr;
    QSet<HttpConnection *> m_connections;
    bool m_capConnections = false; // listening beyond loopback
    QHash<QHostAddress, int> m_connectionsPerAddress;
};

} // namespace Switchboard::Core
