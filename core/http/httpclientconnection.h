// SPDX-License-Identifier: MIT
#pragma once

#include "httpclient.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>
#include <QtNetwork/QAbstractSocket>

class QTcpSocket;

namespace Switchboard::Core {

// One upstream TCP (or TLS) connection carrying one request at a time; kept alive in the
// client's pool between requests.
class HttpClientConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClientConnection)

public:
    HttpClientConnection(QByteArray originKey, const QUrl &url, HttpClient *client);
    ~HttpClientConnection() override;

    const QByteArray &originKey() const { return m_originKey; }
    bool isIdle() const { return m_call == nullptr && m_phase == Phase::Idle; }

    void start(HttpClientCall *call, bool reused);
    // The call was aborted: drop the connection now.
    void abortCall();
    void setPaused(bool paused);
    // The call's timeouts changed (it is being drained): apply them from now.
    void rearmTimer();
    // (Re)starts the timer for the call's nearer deadline (first content, total).
    void armDeadlines();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class Phase
    {
        Connecting,
        AwaitingHead,
        ReadingBody,
        Idle,
        Closed,
    };

    void sendRequest();
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void complete();
    void failCall(HttpClientError error);
    void close();
    void armTimer(std::chrono::milliseconds timeout);
    void armTimer(QBasicTimer &timer, std::chrono::milliseconds timeout);

    QByteArray m_originKey;
    QString m_host;
    quint16 m_port;
    bool m_tls;
    QPointer<HttpClient> m_client;
    QTcpSocket *m_socket;
    HttpResponseParser m_parser;
    QByteArray m_buffer;
    QBasicTimer m_timer;
    // The call's own deadlines; m_timer is for the phase (connect, first byte, idle).
    QBasicTimer m_deadlineTimer;
    Phase m_phase = Phase::Connecting;
    HttpClientCall *m_call = nullptr;
    bool m_reused = false;
    bool m_connected = false;
    bool m_paused = false;
};

} // namespace Switchboard::Core
