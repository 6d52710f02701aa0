// SPDX-License-Identifier: MIT
#include "httpserver.h"

#include "httpconnection.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcServer, "switchboard.http.server", QtWarningMsg)

// An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d; count it as a.b.c.d.
QHostAddress clientAddress(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : peer;
}
} // namespace

HttpServer::HttpServer(HttpRequestHandler &handler, HttpRequestGuard *guard, HttpServerLimits limits, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_guard(guard)
    , m_limits(limits)
    , m_listener(addListener())
{}

QTcpServer *HttpServer::addListener()
{
    auto *listener = new QTcpServer(this);
    // Qt's default backlog of 50 drops SYNs when hundreds of clients connect at once (an agent
    // fanning out, a load test); the kernel caps this at net.core.somaxconn.
    listener->setListenBacklogSize(4096);
    connect(listener, &QTcpServer::newConnection, this, [this, listener] { acceptConnections(listener); });
    return listener;
}

HttpServer::~HttpServer()
{
    // Connections are children; they may still reference the handler, so end them first.
    for (HttpConnection *connection : std::as_const(m_connections)) {
        connection->disconnect(this);
        delete connection;
    }
}

Result<quint16, QString> HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_listener->listen(address, port)) {
        return m_listener->errorString();
    }
    m_capConnections = !address.isLoopback();
    if (address == QHostAddress(QHostAddress::LocalHost)) {
        m_loopbackV6 = addListener();
        if (!m_loopbackV6->listen(QHostAddress::LocalHostIPv6, m_listener->serverPort())) {
            qCInfo(lcServer) << "not serving [::1]:" << m_listener->serverPort() << "-" << m_loopbackV6->errorString();
            delete std::exchange(m_loopbackV6, nullptr);
        }
    }
    return m_listener->serverPort();
}

void HttpServer::close()
{
    m_listener->close();
    if (m_loopbackV6) {
        m_loopbackV6->close();
    }
}

bool HttpServer::isListening() const
{
    return m_listener->isListening();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_listener->serverAddress();
}

quint16 HttpServer::serverPort() const
{
    return m_listener->serverPort();
}

void HttpServer::closeGracefully()
{
    close();
    const auto connections = m_connections;
    for (HttpConnection *connection : connections) {
        connection->closeWhenIdle();
    }
}

void HttpServer::resetAll()
{
    close();
    const auto connections = m_connections;
    for (HttpConnection *connection : connections) {
        connection->reset();
    }
}

bool HttpServer::admits(const QHostAddress &client) const
{
    if (!m_capConnections || (m_limits.exemptLoopbackClients && client.isLoopback())) {
        return true;
    }
    return m_connections.size() < m_limits.maxConnections &&
           m_connectionsPerAddress.value(client) < m_limits.maxConnectionsPerAddress;
}

void HttpServer::acceptConnections(QTcpServer *listener)
{
    while (QTcpSocket *socket = listener->nextPendingConnection()) {
        const QHostAddress client = clientAddress(socket->peerAddress());
        if (!admits(client)) {
            // Closed before a byte is read: a flood of connections costs a descriptor for an instant.
            qCInfo(lcServer) << "refused a connection from" << client << "over the connection caps";
            socket->abort();
            delete socket;
            continue;
        }
        auto *connection = new HttpConnection(socket, m_handler, m_guard, m_limits, this);
        m_connections.insert(connection);
        ++m_connectionsPerAddress[client];
        connect(connection, &HttpConnection::closed, this, [this, connection, client] {
            m_connections.remove(connection);
            if (--m_connectionsPerAddress[client] <= 0) {
                m_connectionsPerAddress.remove(client);
            }
            Q_EMIT connectionCountChanged(int(m_connections.size()));
        });
        Q_EMIT connectionCountChanged(int(m_connections.size()));
    }
}

} // namespace Switchboard::Core
