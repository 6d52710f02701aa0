// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QTcpSocket>

namespace Switchboard::Test {

// A byte-level HTTP client for protocol tests: writes exactly what it is given and collects what
// comes back, waiting by running the event loop (the server under test shares the thread).
class RawClient
{
public:
    explicit RawClient(quint16 port);
    // Connects from `source` (another loopback address, e.g. 127.0.0.2: a client of its own as far
    // as the server can tell) to the server on 127.0.0.1.
    RawClient(quint16 port, const QHostAddress &source);

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes);
    // Runs the event loop until `needle` has arrived (or the deadline); returns whether it did.
    bool waitFor(const QByteArray &needle, int timeoutMs = 10'000);
    // Runs the event loop until the server closes the connection.
    bool waitForClose(int timeoutMs = 10'000);
    void close() { m_socket.abort(); }
    // Stops taking bytes from the kernel, so the server's writes back up (a slow or stuck reader).
    void pauseReading();
    void resumeReading();

    const QByteArray &received() const { return m_received; }
    int count(const QByteArray &needle) const { return int(m_received.count(needle)); }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_paused = false;
};

} // namespace Switchboard::Test
