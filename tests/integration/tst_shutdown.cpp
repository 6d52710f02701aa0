// SPDX-License-Identifier: MIT
#include "fakebackend.h"
#include "rawclient.h"
#include "testgateway.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>
#include <vector>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace std::chrono_literals;

// Shutdown (SIGTERM, window close): no new work, a deadline for the work under way, then an honest
// ending for what is left, and no upstream request outlives it.
class TestShutdown final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void idleServer_drainsAtOnce();
    void streamsThatFinishInTime_endNormally();
    void liveStreams_getAnErrorEventAtTheDeadline_andUpstreamIsCancelled();
    void waitingCalls_getA529AtTheDeadline();
    void newRequests_areRefused();
    void requestArrivingDuringShutdown_getsA529();

private:
    std::unique_ptr<FakeBackend> m_backend;
};

namespace {

FakeResponse stream(int chunks, std::chrono::milliseconds interval)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    for (int i = 0; i < chunks; ++i) {
        response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + QByteArray::number(i) +
                               " \"}}]}\n\n");
    }
    response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    response.chunks.append("data: [DONE]\n\n");
    response.interval = interval;
    return response;
}

QByteArray request(bool stream)
{
    const QByteArray body = R"({"model":"m","max_tokens":64,"stream":)" + QByteArray(stream ? "true" : "false") +
                            R"(,"messages":[{"role":"user","content":"hi"}]})";
    return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

std::vector<std::unique_ptr<RawClient>> openStreams(const TestGateway &gateway, int count)
{
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<RawClient>(quint16(gateway.url.port())));
        clients.back()->send(request(true));
    }
    return clients;
}

} // namespace

void TestShutdown::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
}

void TestShutdown::cleanup()
{
    m_backend.reset();
}

void TestShutdown::idleServer_drainsAtOnce()
{
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    QSignalSpy drained(gateway.gateway.get(), &Core::Gateway::drained);
    gateway.gateway->shutdown(10s);
    QTRY_COMPARE_WITH_TIMEOUT(drained.size(), 1, 1000);
}

void TestShutdown::streamsThatFinishInTime_endNormally()
{
    m_backend->on("/v1/chat/completions", stream(5, 50ms));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    auto clients = openStreams(gateway, 3);
    for (const auto &client : clients) {
        QVERIFY(client->waitFor("event: content_block_delta"));
    }
    QSignalSpy drained(gateway.gateway.get(), &Core::Gateway::drained);
    gateway.gateway->shutdown(10s);
    QTRY_COMPARE_WITH_TIMEOUT(drained.size(), 1, 5000);
    for (const auto &client : clients) {
        QVERIFY(client->received().contains("event: message_stop"));
        QVERIFY(!client->received().contains("event: error"));
        QCOMPARE(client->count("event: content_block_delta"), 5);
    }
    QCOMPARE(m_backend->abortedByClient(), 0);
}

void TestShutdown::liveStreams_getAnErrorEventAtTheDeadline_andUpstreamIsCancelled()
{
    constexpr int Streams = 10;
    m_backend->on("/v1/chat/completions", stream(1000, 50ms)); // about a minute each
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    auto clients = openStreams(gateway, Streams);
    for (const auto &client : clients) {
        QVERIFY(client->waitFor("event: content_block_delta"));
    }
    QSignalSpy drained(gateway.gateway.get(), &Core::Gateway::drained);
    gateway.gateway->shutdown(300ms);
    QTRY_COMPARE_WITH_TIMEOUT(drained.size(), 1, 5000);
    for (const auto &client : clients) {
        QVERIFY(client->waitForClose());
        const QByteArray &stream = client->received();
        QVERIFY2(stream.contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                                 "\"message\":\"Switchboard is shutting down\"}"),
                 stream.right(400).constData());
        QVERIFY(!stream.contains("event: message_stop"));
        QVERIFY(stream.endsWith("0\r\n\r\n")); // the chunked body ended properly: nothing was cut
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), Streams, 2000);
}

void TestShutdown::waitingCalls_getA529AtTheDeadline()
{
    FakeResponse never;
    never.headers = {{"Content-Type", "text/event-stream"}};
    never.end = FakeResponse::End::Hang; // a model that is still loading
    m_backend->on("/v1/chat/completions", never);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    RawClient client(quint16(gateway.url.port()));
    client.send(request(false));
    QTRY_COMPARE(m_backend->openResponses(), 1);
    QSignalSpy drained(gateway.gateway.get(), &Core::Gateway::drained);
    gateway.gateway->shutdown(200ms);
    QVERIFY(client.waitFor("\"overloaded_error\""));
    QVERIFY(client.received().startsWith("HTTP/1.1 529"));
    QTRY_COMPARE_WITH_TIMEOUT(drained.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 2000);
}

void TestShutdown::newRequests_areRefused()
{
    m_backend->on("/v1/chat/completions", stream(1000, 50ms));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    auto clients = openStreams(gateway, 1);
    QVERIFY(clients.front()->waitFor("event: content_block_delta"));
    gateway.gateway->shutdown(10s);
    // The listener is closed: a new connection is refused outright.
    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, quint16(gateway.url.port()));
    QTRY_VERIFY(late.state() == QAbstractSocket::UnconnectedState);
    QVERIFY(late.error() == QAbstractSocket::ConnectionRefusedError);
    QCOMPARE(m_backend->requests().size(), 1);
}

void TestShutdown::requestArrivingDuringShutdown_getsA529()
{
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    RawClient client(quint16(gateway.url.port()));
    QByteArray whole = request(true);
    whole.replace("Content-Type:", "Expect: 100-continue\r\nContent-Type:");
    const qsizetype headEnd = whole.indexOf("\r\n\r\n") + 4;
    client.send(whole.left(headEnd));
    QVERIFY(client.waitFor("100 Continue")); // the server has the head; the body is still to come
    QSignalSpy drained(gateway.gateway.get(), &Core::Gateway::drained);
    gateway.gateway->shutdown(10s);
    client.send(whole.mid(headEnd));
    // Answered, not dropped: the SDKs retry a 529 (against the restarted server).
    QVERIFY(client.waitFor("\"overloaded_error\""));
    QVERIFY(client.received().contains("\r\n\r\nHTTP/1.1 529 "));
    QVERIFY(client.received().contains("retry-after: 1"));
    QVERIFY(client.received().contains("Connection: close"));
    QVERIFY(client.waitForClose());
    QTRY_COMPARE(drained.size(), 1);
    QCOMPARE(m_backend->requests().size(), 0);
}

QTEST_GUILESS_MAIN(TestShutdown)
#include "tst_shutdown.moc"
