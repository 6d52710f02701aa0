// SPDX-License-Identifier: MIT
#include "fakebackend.h"

#include <QtCore/QFile>
#include <QtCore/QMetaEnum>
#include <QtCore/QTimer>
#include <QtHttpServer/QHttpServerRequest>
#include <QtNetwork/QTcpSocket>

#include <memory>

namespace Switchboard::Test {

QByteArray CapturedRequest::header(const QByteArray &name) const
{
    for (const auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            return field.second;
        }
    }
    return {};
}

FakeResponse FakeResponse::json(QByteArray body, int status)
{
    FakeResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}};
    response.chunks = {std::move(body)};
    return response;
}

FakeResponse FakeResponse::eventStream(const QByteArray &sse)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    QByteArray normalized = sse;
    normalized.replace("\r\n", "\n");
    qsizetype start = 0;
    while (start < normalized.size()) {
        qsizetype end = normalized.indexOf("\n\n", start);
        end = end < 0 ? normalized.size() : end + 2;
        response.chunks.append(normalized.mid(start, end - start));
        start = end;
    }
    return response;
}

FakeBackend::FakeBackend(QObject *parent)
    : QAbstractHttpServer(parent)
{}

FakeBackend::~FakeBackend() = default;

quint16 FakeBackend::start()
{
    m_port = listen(QHostAddress::LocalHost, 0);
    return m_port;
}

QByteArray FakeBackend::baseUrl() const
{
    return "http://127.0.0.1:" + QByteArray::number(m_port);
}

void FakeBackend::on(const QByteArray &path, Script script)
{
    m_scripts.prepend({path, std::move(script)});
}

void FakeBackend::on(const QByteArray &path, const FakeResponse &response)
{
    on(path, [response](const CapturedRequest &) { return response; });
}

QByteArray FakeBackend::fixture(const QString &relativePath)
{
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u'/' + relativePath);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("missing test fixture %s", qPrintable(file.fileName()));
    }
    return file.readAll();
}

bool FakeBackend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    CapturedRequest captured;
    captured.method = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(request.method()));
    captured.method = captured.method.toUpper();
    captured.path = request.url().path().toUtf8();
    captured.query = request.url().query().toUtf8();
    captured.headers = request.headers();
    captured.body = request.body();
    m_requests.append(captured);
    if (!socket->property("sb_counted").toBool()) {
        socket->setProperty("sb_counted", true);
        ++m_connections;
    }
    Q_EMIT requestArrived();

    FakeResponse response = FakeResponse::json(R"({"error":{"message":"no script for this path"}})", 404);
    for (const auto &[path, script] : std::as_const(m_scripts)) {
        if (captured.path == path) {
            response = script(captured);
            break;
        }
    }
    Pending pending{QPointer<QTcpSocket>(socket), response};
    connect(socket, &QTcpSocket::disconnected, this, [this, guard = QPointer<QTcpSocket>(socket)] {
        if (guard && guard->property("sb_open").toBool()) {
            guard->setProperty("sb_open", false);
            --m_open;
            ++m_abortedByClient;
            Q_EMIT clientAborted();
        }
    });
    socket->setProperty("sb_open", true);
    ++m_open;
    if (m_holdUntil > 0) {
        m_held.append(pending);
        if (m_held.size() >= m_holdUntil) {
            const auto held = std::exchange(m_held, {});
            m_holdUntil = 0;
            for (const auto &item : held) {
                begin(item);
            }
        }
        return true;
    }
    begin(pending);
    return true;
}

void FakeBackend::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
}

void FakeBackend::begin(const Pending &pending)
{
    if (!pending.socket) {
        return;
    }
    QByteArray head = "HTTP/1.1 " + QByteArray::number(pending.response.status) + " Scripted\r\n";
    for (const auto &field : pending.response.headers) {
        head += field.first + ": " + field.second + "\r\n";
    }
    head += "Transfer-Encoding: chunked\r\n\r\n";
    pending.socket->write(head);
    writeChunks(pending.socket, pending.response, 0);
}

void FakeBackend::writeChunks(QPointer<QTcpSocket> socket, FakeResponse response, int next)
{
    constexpr qint64 PacedBuffer = 64 * 1024;
    while (socket && next < response.chunks.size()) {
        if (response.paced && socket->bytesToWrite() > PacedBuffer) {
            ++m_blocked;
            auto resumed = std::make_shared<QMetaObject::Connection>();
            auto resume = [this, socket, response, next, resumed] {
                if (socket && socket->bytesToWrite() > PacedBuffer) {
                    return;
                }
                disconnect(*resumed);
                --m_blocked;
                writeChunks(socket, response, next);
            };
            *resumed = connect(socket, &QTcpSocket::bytesWritten, this, resume);
            connect(socket, &QTcpSocket::disconnected, this, [this, resumed] {
                if (disconnect(*resumed)) {
                    --m_blocked;
                }
            });
            return;
        }
        const QByteArray &chunk = response.chunks.at(next);
        if (!chunk.isEmpty()) {
            socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        }
        ++next;
        if (response.interval.count() > 0 && next < response.chunks.size()) {
            QTimer::singleShot(response.interval, this,
                               [this, socket, response, next] { writeChunks(socket, response, next); });
            return;
        }
    }
    finish(socket, response);
}

void FakeBackend::finish(QPointer<QTcpSocket> socket, const FakeResponse &response)
{
    if (!socket) {
        return;
    }
    switch (response.end) {
    case FakeResponse::End::Complete:
        socket->setProperty("sb_open", false);
        --m_open;
        socket->write("0\r\n\r\n");
        break;
    case FakeResponse::End::DropConnection:
        socket->setProperty("sb_open", false);
        --m_open;
        socket->flush();
        socket->disconnectFromHost();
        break;
    case FakeResponse::End::Hang:
        break; // the response stays open until the client gives up
    case FakeResponse::End::Trickle: {
        // Owned by the socket: it stops when the client closes the connection.
        auto *timer = new QTimer(socket);
        const QByteArray chunk = QByteArray::number(response.trickle.size(), 16) + "\r\n" + response.trickle + "\r\n";
        connect(timer, &QTimer::timeout, socket, [socket, chunk] {
            if (socket && socket->state() == QAbstractSocket::ConnectedState) {
                socket->write(chunk);
            }
        });
        timer->start(std::max(response.interval, std::chrono::milliseconds(10)));
        break;
    }
    }
}

} // namespace Switchboard::Test
