// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QPointer>
#include <QtHttpServer/QAbstractHttpServer>

#include <chrono>
#include <functional>

class QTcpSocket;

namespace Switchboard::Test {

struct CapturedRequest
{
    QByteArray method;
    QByteArray path;
    QByteArray query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
};

// A scripted answer: status, headers and body pieces written one by one (as HTTP chunks), with an
// optional pause between them, and a way to end — properly, by dropping the connection, or never.
struct FakeResponse
{
    enum class End
    {
        Complete,
        DropConnection,
        Hang,
        Trickle, // `trickle`, as a chunk of its own every `interval`, until the client leaves
    };
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QList<QByteArray> chunks;
    std::chrono::milliseconds interval{0};
    End end = End::Complete;
    // For End::Trickle: an SSE comment keeps a stream alive without content; a single byte drags
    // an unfinished event along.
    QByteArray trickle = ": keep-alive\n\n";
    // Writes the next chunk only once the socket has room, as a server blocked in send() does, so a
    // reader that stops reading stops the response.
    bool paced = false;

    static FakeResponse json(QByteArray body, int status = 200);
    // An SSE body split into one chunk per event (the way servers flush them).
    static FakeResponse eventStream(const QByteArray &sse);
};

// An OpenAI- or Anthropic-compatible server for tests, on Qt's own QAbstractHttpServer so that it
// shares no code with the Switchboard under test. Records every request, counts connections the
// client closed, and can hold responses until N requests are in flight (a barrier that only a relay
// without per-host queueing can pass).
class FakeBackend final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    using Script = std::function<FakeResponse(const CapturedRequest &)>;

    explicit FakeBackend(QObject *parent = nullptr);
    ~FakeBackend() override;

    quint16 start();
    quint16 port() const { return m_port; }
    QByteArray baseUrl() const; // http://127.0.0.1:PORT

    void on(const QByteArray &path, Script script);
    void on(const QByteArray &path, const FakeResponse &response);
    // Responses wait until this many requests have arrived, then all go out together.
    void holdUntil(int requests) { m_holdUntil = requests; }

    const QList<CapturedRequest> &requests() const { return m_requests; }
    CapturedRequest lastRequest() const { return m_requests.isEmpty() ? CapturedRequest{} : m_requests.last(); }
    // Connections the client (Switchboard) closed while a response was still being written.
    int abortedByClient() const { return m_abortedByClient; }
    int openResponses() const { return m_open; }
    // Connections that carried at least one request: fewer than requests() means reuse.
    int connectionsUsed() const { return m_connections; }
    // Paced responses waiting for their reader to take bytes.
    int blockedResponses() const { return m_blocked; }

    static QByteArray fixture(const QString &relativePath);

Q_SIGNALS:
    void requestArrived();
    void clientAborted();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        FakeResponse response;
    };
    void begin(const Pending &pending);
    void writeChunks(QPointer<QTcpSocket> socket, FakeResponse response, int next);
    void finish(QPointer<QTcpSocket> socket, const FakeResponse &response);

    quint16 m_port = 0;
    QList<QPair<QByteArray, Script>> m_scripts;
    QList<CapturedRequest> m_requests;
    QList<Pending> m_held;
    int m_holdUntil = 0;
    int m_abortedByClient = 0;
    int m_open = 0;
    int m_blocked = 0;
    int m_connections = 0;
};

} // namespace Switchboard::Test
