// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "rawclient.h"
#include "testgateway.h"

#include <QtNetwork/QNetworkReply>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>
#include <vector>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// Clients that leave, clients that crowd in, and clients that wait in silence.
class TestClients final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void disconnectMidStream_abortsUpstream();
    void disconnectDuringNonStreamingCall_abortsUpstream();
    void disconnectBeforeFirstToken_abortsUpstream();
    void manyConcurrentStreams_toOneBackend_doNotQueue();
    void overLimit_getsAnImmediate529_andLeavingFreesTheSlot();
    void silence_beforeFirstToken_sendsStartAndPing();
    void silence_midStream_sendsPings();
    void slowReader_pausesUpstream_andGetsEverything();
    void stalledReader_isDropped_andUpstreamCancelled();
    void stalledReader_onPassThrough_isDropped_andUpstreamCancelled();
    void closingConnection_toANonReader_isResetAfterTheLinger();
    void finishedStream_keepsItsUpstreamConnection();
    void finishedStream_whoseBodyNeverEnds_isClosedAfterTheGrace();

private:
    std::unique_ptr<FakeBackend> m_backend;
};

namespace {

FakeResponse slowStream(int chunks, int intervalMs)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    for (int i = 0; i < chunks; ++i) {
        response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + QByteArray::number(i) +
                               " \"}}]}\n\n");
    }
    response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    response.chunks.append("data: [DONE]\n\n");
    response.interval = std::chrono::milliseconds(intervalMs);
    return response;
}

// Megabytes of output from a backend that writes only as fast as it is read.
FakeResponse bulkyStream(int chunks, int chunkBytes)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    for (int i = 0; i < chunks; ++i) {
        const QByteArray text = QByteArray::number(i) + ':' + QByteArray(chunkBytes, char('a' + i % 26));
        response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n");
    }
    response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    response.chunks.append("data: [DONE]\n\n");
    response.paced = true;
    return response;
}

// Small watermarks and a short stall timeout, so tests reach them quickly.
Core::ServerOptions tightFlowControl(std::chrono::milliseconds stallTimeout)
{
    Core::ServerOptions options;
    options.writeHighWatermark = 64 * 1024;
    options.writeLowWatermark = 16 * 1024;
    options.stallTimeout = stallTimeout;
    return options;
}

QByteArray rawRequest(bool stream, const QByteArray &extraHeaders = {})
{
    const QByteArray body = R"({"model":"m","max_tokens":64,"stream":)" + QByteArray(stream ? "true" : "false") +
                            R"(,"messages":[{"role":"user","content":"hi"}]})";
    return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray rawStreamingRequest()
{
    return rawRequest(true);
}

} // namespace

void TestClients::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
}

void TestClients::cleanup()
{
    m_backend.reset();
}

void TestClients::disconnectMidStream_abortsUpstream()
{
    m_backend->on("/v1/chat/completions", slowStream(200, 20));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    QVERIFY(client.waitFor("content_block_delta"));
    client.close();
    // The backend sees its connection closed (that is how a llama.cpp server stops generating).
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 2000);
    QTRY_COMPARE(gateway.gateway->connectionCount(), 0);
}

void TestClients::disconnectDuringNonStreamingCall_abortsUpstream()
{
    m_backend->on("/v1/chat/completions", slowStream(200, 20));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    QNetworkRequest request = client.request("/v1/messages");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = client.network().post(
        request, QByteArray(R"({"model":"m","max_tokens":64,"messages":[{"role":"user","content":"hi"}]})"));
    QTRY_VERIFY(m_backend->openResponses() == 1);
    reply->abort();
    reply->deleteLater();
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 2000);
}

void TestClients::disconnectBeforeFirstToken_abortsUpstream()
{
    FakeResponse never;
    never.headers = {{"Content-Type", "text/event-stream"}};
    never.end = FakeResponse::End::Hang; // prompt processing that takes forever
    m_backend->on("/v1/chat/completions", never);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    QTRY_COMPARE(m_backend->openResponses(), 1);
    client.close();
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 2000);
}

void TestClients::manyConcurrentStreams_toOneBackend_doNotQueue()
{
    // The backend answers nobody until all 64 requests have reached it: a relay that queued streams
    // behind a per-host connection cap (QNetworkAccessManager allows 6) would never get there.
    constexpr int Streams = 64;
    m_backend->on("/v1/chat/completions", slowStream(5, 5));
    m_backend->holdUntil(Streams);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < Streams; ++i) {
        clients.push_back(std::make_unique<RawClient>(gateway.url.port()));
        clients.back()->send(rawStreamingRequest());
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->requests().size(), Streams, 10000);
    for (const auto &client : clients) {
        QVERIFY(client->waitFor("event: message_stop"));
        QCOMPARE(client->count("event: content_block_delta"), 5);
    }
}

void TestClients::overLimit_getsAnImmediate529_andLeavingFreesTheSlot()
{
    FakeResponse endless; // a first token, then a generation that never ends
    endless.headers = {{"Content-Type", "text/event-stream"}};
    endless.chunks = {"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"thinking...\"}}]}\n\n"};
    endless.end = FakeResponse::End::Hang;
    m_backend->on("/v1/chat/completions", endless);
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.backends[0].policy.maxConcurrent = 2;
    config.backends[0].policy.maxQueued = 1;
    TestGateway gateway(config);

    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<RawClient>(gateway.url.port()));
        clients.back()->send(rawStreamingRequest());
    }
    QTRY_COMPARE(m_backend->requests().size(), 2); // two in flight, the third waits in the queue
    RawClient rejected(gateway.url.port());
    rejected.send(rawStreamingRequest());
    QVERIFY(rejected.waitFor("\"overloaded_error\""));
    QVERIFY(rejected.received().startsWith("HTTP/1.1 529"));
    QVERIFY(rejected.received().contains("retry-after: 1"));
    QCOMPARE(m_backend->requests().size(), 2);

    clients.front()->close(); // its slot goes to the queued request at once
    QTRY_COMPARE(m_backend->requests().size(), 3);
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

void TestClients::silence_beforeFirstToken_sendsStartAndPing()
{
    FakeResponse late = slowStream(2, 10);
    late.chunks.prepend(": prompt processing\n\n");
    late.interval = std::chrono::milliseconds(700); // first token after a long silence
    m_backend->on("/v1/chat/completions", late);
    Core::ServerOptions options;
    options.pingInterval = std::chrono::milliseconds(200);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()), options);
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    // Headers and message_start go out so the client sees life; pings keep it alive.
    QVERIFY(client.waitFor("event: ping"));
    QVERIFY(client.received().contains("event: message_start"));
    QVERIFY(!client.received().contains("content_block_delta"));
    QVERIFY(client.waitFor("event: message_stop"));
    const QByteArray stream = client.received();
    QCOMPARE(stream.count("event: message_start"), 1);
    QVERIFY(stream.indexOf("event: message_start") < stream.indexOf("event: content_block_start"));
}

void TestClients::silence_midStream_sendsPings()
{
    m_backend->on("/v1/chat/completions", slowStream(3, 500));
    Core::ServerOptions options;
    options.pingInterval = std::chrono::milliseconds(150);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()), options);
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    QVERIFY(client.waitFor("event: message_stop"));
    // One ping after message_start, then more while the backend was silent.
    QVERIFY2(client.count("event: ping") >= 3, client.received().constData());
}

void TestClients::slowReader_pausesUpstream_andGetsEverything()
{
    // 16 MB: more than the kernel buffers between three sockets can hide.
    constexpr int Chunks = 200;
    constexpr int ChunkBytes = 80 * 1024;
    m_backend->on("/v1/chat/completions", bulkyStream(Chunks, ChunkBytes));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()), tightFlowControl(std::chrono::seconds(30)));
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    QVERIFY(client.waitFor("event: content_block_delta"));
    client.pauseReading();
    // Switchboard stops reading the backend, so the backend's own writes back up.
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->blockedResponses(), 1, 10000);
    QCOMPARE(m_backend->abortedByClient(), 0);

    client.resumeReading();
    QVERIFY(client.waitFor("event: message_stop", 30000));
    const QByteArray &stream = client.received();
    QCOMPARE(stream.count("event: content_block_delta"), Chunks);
    // Every delta arrived whole and in order.
    qsizetype from = 0;
    for (int i = 0; i < Chunks; ++i) {
        const QByteArray expected =
            "\"text\":\"" + QByteArray::number(i) + ':' + QByteArray(ChunkBytes, char('a' + i % 26)) + '"';
        const qsizetype at = stream.indexOf(expected, from);
        QVERIFY2(at >= 0, qPrintable(u"delta %1 missing or out of order"_s.arg(i)));
        from = at + expected.size();
    }
}

void TestClients::stalledReader_isDropped_andUpstreamCancelled()
{
    m_backend->on("/v1/chat/completions", bulkyStream(200, 80 * 1024));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()), tightFlowControl(std::chrono::milliseconds(300)));
    RawClient client(gateway.url.port());
    client.send(rawStreamingRequest());
    QVERIFY(client.waitFor("event: content_block_delta"));
    client.pauseReading();
    // A reader that takes nothing for the stall timeout is dropped, and the generation it would
    // never read is stopped rather than buffered.
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 10000);
    QTRY_COMPARE(gateway.gateway->connectionCount(), 0);
}

void TestClients::stalledReader_onPassThrough_isDropped_andUpstreamCancelled()
{
    QByteArray sse = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
    FakeResponse bulky = FakeResponse::eventStream(sse);
    for (int i = 0; i < 200; ++i) {
        bulky.chunks.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            "\"delta\":{\"type\":\"text_delta\",\"text\":\"" +
                            QByteArray(80 * 1024, 'x') + "\"}}\n\n");
    }
    bulky.paced = true;
    m_backend->on("/v1/messages", bulky);
    TestGateway gateway(TestGateway::anthropic(m_backend->baseUrl(), "sk-ant-upstream"),
                        tightFlowControl(std::chrono::milliseconds(300)));
    RawClient client(gateway.url.port());
    client.send(rawRequest(true, "x-api-key: " + SwitchboardKey + "\r\n"));
    QVERIFY(client.waitFor("event: content_block_delta"));
    client.pauseReading();
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 10000);
    QTRY_COMPARE(gateway.gateway->connectionCount(), 0);
}

void TestClients::closingConnection_toANonReader_isResetAfterTheLinger()
{
    // A whole 16 MB answer, then Connection: close to a client that reads none of it.
    const QByteArray text(16 * 1024 * 1024, 'x');
    m_backend->on("/v1/chat/completions",
                  FakeResponse::json(R"({"choices":[{"index":0,"message":{"role":"assistant","content":")" + text +
                                     R"("},"finish_reason":"stop"}]})"));
    Core::HttpServerLimits limits;
    limits.lingerTimeout = std::chrono::milliseconds(300);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()), Core::ServerOptions{}, limits);
    RawClient client(gateway.url.port());
    client.pauseReading();
    client.send(rawRequest(false, "Connection: close\r\n"));
    QTRY_COMPARE(m_backend->requests().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(gateway.gateway->connectionCount(), 0, 10000);
}

void TestClients::finishedStream_keepsItsUpstreamConnection()
{
    // [DONE] ends the answer a moment before the HTTP body ends: Switchboard reads that last bit
    // instead of closing, so one connection serves request after request.
    FakeResponse response = slowStream(3, 20);
    response.chunks.append(QByteArray()); // writes nothing, so the body ends 20 ms after [DONE]
    m_backend->on("/v1/chat/completions", response);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    for (int i = 0; i < 3; ++i) {
        const ApiReply reply = client.post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":true,
            "messages":[{"role":"user","content":"hi"}]})");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.eventNames().last(), QByteArray("message_stop"));
        // The client has its answer before the body ends; the next request waits for the drained
        // connection to be back in the pool, or it would rightly open another.
        QTRY_COMPARE(gateway.gateway->idleUpstreamConnectionCount(), 1);
    }
    QCOMPARE(m_backend->requests().size(), 3);
    QCOMPARE(m_backend->connectionsUsed(), 1);
    QCOMPARE(m_backend->abortedByClient(), 0);
}

void TestClients::finishedStream_whoseBodyNeverEnds_isClosedAfterTheGrace()
{
    FakeResponse response = slowStream(2, 10);
    response.end = FakeResponse::End::Hang; // [DONE], then never the end of the body
    m_backend->on("/v1/chat/completions", response);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":true,
        "messages":[{"role":"user","content":"hi"}]})");
    QCOMPARE(reply.eventNames().last(), QByteArray("message_stop")); // the client is not kept waiting
    QTRY_COMPARE_WITH_TIMEOUT(m_backend->abortedByClient(), 1, 5000);
}

QTEST_GUILESS_MAIN(TestClients)
#include "tst_clients.moc"
