// SPDX-License-Identifier: MIT
#include "rawclient.h"

#include <QtTest/QTest>

namespace Switchboard::Test {

RawClient::RawClient(quint16 port)
    : RawClient(port, QHostAddress())
{}

RawClient::RawClient(quint16 port, const QHostAddress &source)
{
    if (!source.isNull()) {
        m_socket.bind(source);
    }
    QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] {
        if (!m_paused) {
            m_received += m_socket.readAll();
        }
    });
    // Fails the test here rather than later as a confusing empty answer. Connected once is enough:
    // a server may close at once (a refusal is an answer too).
    bool connected = false;
    const auto onConnected =
        QObject::connect(&m_socket, &QTcpSocket::connected, &m_socket, [&connected] { connected = true; });
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    const bool settled =
        QTest::qWaitFor([&] { return connected || m_socket.state() == QAbstractSocket::UnconnectedState; }, 10'000);
    QObject::disconnect(onConnected);
    if (!settled || !connected) {
        QTest::qFail(qPrintable(QStringLiteral("cannot connect to port %1: %2").arg(port).arg(m_socket.errorString())),
                     __FILE__, __LINE__);
    }
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
}

void RawClient::pauseReading()
{
    m_paused = true;
    // Qt stops reading from the kernel once this small buffer is full.
    m_socket.setReadBufferSize(1);
}

void RawClient::resumeReading()
{
    m_paused = false;
    m_socket.setReadBufferSize(0);
    m_received += m_socket.readAll();
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
