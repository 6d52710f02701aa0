// SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <QtNetwork/QHostAddress>
#include <QtTest/QTest>

namespace Switchboard::Test {

RawClient::RawClient(quint16 port)
{
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { m_received += m_socket.readAll(); });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    [[maybe_unused]] const bool connected =
        QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
}

bool RawClient::waitFor(const QByteArray &needle, int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_received.contains(needle); }, timeoutMs);
}

bool RawClient::waitForClose(int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

} // namespace Switchboard::Test
