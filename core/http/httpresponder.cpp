// SPDX-License-Identifier: MIT
#include "httpresponder.h"

#include "httpconnection.h"
#include "traffic/exchangetap.h"

namespace Switchboard::Core {

HttpResponder::HttpResponder(HttpConnection *connection, quint64 exchange)
    : m_connection(connection)
    , m_exchange(exchange)
{}

HttpResponder::HttpResponder(HttpResponder &&other) noexcept
    : m_connection(std::move(other.m_connection))
    , m_exchange(std::exchange(other.m_exchange, 0))
    , m_tap(std::move(other.m_tap))
{
    other.m_connection.clear();
}

HttpResponder &HttpResponder::operator=(HttpResponder &&other) noexcept
{
    if (this != &other) {
        release();
        m_connection = std::move(other.m_connection);
        m_exchange = std::exchange(other.m_exchange, 0);
        m_tap = std::move(other.m_tap);
        other.m_connection.clear();
    }
    return *this;
}

HttpResponder::~HttpResponder()
{
    release();
}

void HttpResponder::release()
{
    if (m_tap) {
        // Unanswered here means the connection answers 500 itself, or the client had gone.
        if (isConnected()) {
            m_tap->responseEnd(false);
        } else {
            m_tap->clientGone();
        }
        m_tap.reset();
    }
    if (auto *connection = activeConnection()) {
        connection->setClientGoneHandler(m_exchange, nullptr);
        connection->setDrainHandler(m_exchange, nullptr);
        connection->abandon(m_exchange);
    }
    m_connection.clear();
    m_exchange = 0;
}

HttpConnection *HttpResponder::activeConnection() const
{
    HttpConnection *connection = m_connection.data();
    return connection && connection->isCurrent(m_exchange) ? connection : nullptr;
}

bool HttpResponder::isConnected() const
{
    return activeConnection() != nullptr;
}

bool HttpResponder::hasStarted() const
{
    const HttpConnection *connection = m_connection.data();
    return connection && connection->hasStarted(m_exchange);
}

void HttpResponder::respond(int status, const HttpHeaders &headers, QByteArrayView body)
{
    if (auto *connection = activeConnection()) {
        if (m_tap) {
            m_tap->responseHead(status, headers, false);
            m_tap->responseBody(body);
            m_tap->responseEnd(true);
        }
        connection->respond(m_exchange, status, headers, body);
    } else if (m_tap) {
        m_tap->clientGone();
    }
}

void HttpResponder::beginStream(int status, const HttpHeaders &headers)
{
    if (auto *connection = activeConnection()) {
        if (m_tap) {
            m_tap->responseHead(status, headers, true);
        }
        connection->beginStream(m_exchange, status, headers);
    }
}

void HttpResponder::writeStream(QByteArrayView data)
{
    if (auto *connection = activeConnection()) {
        if (m_tap) {
            m_tap->responseBody(data);
        }
        connection->writeStream(m_exchange, data);
    }
}

void HttpResponder::endStream()
{
    if (auto *connection = activeConnection()) {
        if (m_tap) {
            m_tap->responseEnd(true);
        }
        connection->endStream(m_exchange);
    } else if (m_tap) {
        m_tap->clientGone();
    }
}

void HttpResponder::abortStream()
{
    if (auto *connection = activeConnection()) {
        if (m_tap) {
            m_tap->responseEnd(false);
        }
        connection->abortStream(m_exchange);
    }
}

void HttpResponder::setClientGoneHandler(std::function<void()> handler)
{
    if (auto *connection = activeConnection()) {
        if (m_tap && handler) {
            handler = [tap = m_tap, inner = std::move(handler)] {
                tap->clientGone();
                inner();
            };
        }
        connection->setClientGoneHandler(m_exchange, std::move(handler));
    }
}

void HttpResponder::setDrainHandler(std::function<void()> handler)
{
    if (auto *connection = activeConnection()) {
        connection->setDrainHandler(m_exchange, std::move(handler));
    }
}

qint64 HttpResponder::bytesPending() const
{
    const auto *connection = activeConnection();
    return connection ? connection->bytesPending() : 0;
}

} // namespace Switchboard::Core
