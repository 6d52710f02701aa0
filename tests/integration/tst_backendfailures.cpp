// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "rawclient.h"
#include "testgateway.h"

#include <QtCore/QJsonObject>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// How a backend's failures reach the client: as HTTP errors with the right status and type before
// the stream has started, as an `event: error` (and never a message_stop) after.
class TestBackendFailures final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void backendStatus_mapsToApiError_data();
    void backendStatus_mapsToApiError();
    void backendStatus_beforeTheStream_isARealStatus();
    void unreachableBackend_isApiError();
    void retries_happenOnlyBeforeOutput();
    void silentBackend_isTimeout();
    void backendDiesMidStream_data();
    void backendDiesMidStream();
    void backendStallsMidStream_isTimeoutEvent();
    void backendKilledBeforeAnyChunk_isARealError();
    void backendHangsAfterHeaders_isTimeout();
    void hugeLineWithoutNewline_endsTheStreamQuickly();
    void nextRequestWorksAfterAFailure();
    void backendRedirect_isABackendFailure_data();
    void backendRedirect_isABackendFailure();
    void keepAlivesOnly_endAtTheFirstContentLimit_data();
    void keepAlivesOnly_endAtTheFirstContentLimit();
    void tricklingBackend_endsAtTheTotalLimit_data();
    void tricklingBackend_endsAtTheTotalLimit();
    void configuredLimits_reachTheCall();
    void passThroughRedirect_isNotRelayed();
    void passThroughPings_areNotContent_data();
    void passThroughPings_areNotContent();

private:
    ApiReply ask(bool stream, Core::UpstreamTimeouts timeouts = {});

    std::unique_ptr<FakeBackend> m_backend;
};

namespace {

QByteArray body(bool stream)
{
    return R"({"model":"m","max_tokens":32,"stream":)" + QByteArray(stream ? "true" : "false") +
           R"(,"messages":[{"role":"user","content":"hi"}]})";
}

FakeResponse partialStream(int chunks)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    for (int i = 0; i < chunks; ++i) {
        response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + QByteArray::number(i) +
                               "\"}}]}\n\n");
    }
    return response;
}

} // namespace

void TestBackendFailures::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
}

void TestBackendFailures::cleanup()
{
    m_backend.reset();
}

ApiReply TestBackendFailures::ask(bool stream, Core::UpstreamTimeouts timeouts)
{
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl(), timeouts));
    ApiClient client(gateway.url);
    return client.post("/v1/messages", body(stream));
}

void TestBackendFailures::backendStatus_mapsToApiError_data()
{
    QTest::addColumn<int>("backendStatus");
    QTest::addColumn<QByteArray>("backendBody");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QByteArray>("shouldRetry");

    QTest::addRow("429 keeps retry-after") << 429 << QByteArray(R"({"error":{"message":"slow down"}})") << 429
                                           << u"rate_limit_error"_s << QByteArray("7") << QByteArray();
    QTest::addRow("503 loading is overloaded") << 503 << QByteArray(R"({"error":{"message":"Loading model"}})") << 529
                                               << u"overloaded_error"_s << QByteArray("7") << QByteArray();
    QTest::addRow("500") << 500 << QByteArray(R"({"error":{"code":500,"message":"boom","type":"server_error"}})") << 500
                         << u"api_error"_s << QByteArray("7") << QByteArray();
    QTest::addRow("context too long is not retried")
        << 400
        << QByteArray(
               R"json({"error":{"code":400,"message":"request (3030 tokens) exceeds the available context size (512 tokens)","type":"exceed_context_size_error"}})json")
        << 400 << u"invalid_request_error"_s << QByteArray("7") << QByteArray("false");
    QTest::addRow("bad backend key is Switchboard's problem")
        << 401 << QByteArray(R"({"error":"bad key"})") << 500 << u"api_error"_s << QByteArray("7")
        << QByteArray("false");
    QTest::addRow("unknown model") << 404 << QByteArray(R"({"error":{"message":"model 'x' not found"}})") << 404
                                   << u"not_found_error"_s << QByteArray("7") << QByteArray("false");
    QTest::addRow("gateway timeout") << 504 << QByteArray("upstream timed out") << 504 << u"timeout_error"_s
                                     << QByteArray("7") << QByteArray();
}

void TestBackendFailures::backendStatus_mapsToApiError()
{
    QFETCH(int, backendStatus);
    QFETCH(QByteArray, backendBody);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QByteArray, retryAfter);
    QFETCH(QByteArray, shouldRetry);

    FakeResponse response = FakeResponse::json(backendBody, backendStatus);
    response.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("7")));
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply = ask(false);
    QCOMPARE(reply.status, status);
    const QJsonObject error = reply.json();
    QCOMPARE(error[u"type"].toString(), u"error");
    QCOMPARE(error[u"error"][u"type"].toString(), type);
    QVERIFY(error[u"error"][u"message"].toString().startsWith(u"Backend 'fake'"));
    QVERIFY(error[u"request_id"].toString().startsWith(u"req_"));
    QCOMPARE(reply.header("retry-after"), retryAfter);
    QCOMPARE(reply.header("x-should-retry"), shouldRetry);
    // The backend's own message is quoted; its address never is.
    QVERIFY(!reply.body.contains(m_backend->baseUrl()));
}

void TestBackendFailures::backendStatus_beforeTheStream_isARealStatus()
{
    m_backend->on("/v1/chat/completions", FakeResponse::json(R"({"error":{"message":"overloaded"}})", 529));
    const ApiReply reply = ask(true);
    QCOMPARE(reply.status, 529);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"overloaded_error");
    QVERIFY(!reply.header("content-type").startsWith("text/event-stream"));
}

void TestBackendFailures::unreachableBackend_isApiError()
{
    QTcpServer reserved; // take a free port, then close it: nothing listens there
    QVERIFY(reserved.listen(QHostAddress::LocalHost, 0));
    const quint16 port = reserved.serverPort();
    reserved.close();
    Core::GatewayConfig config = TestGateway::openAi("http://127.0.0.1:" + QByteArray::number(port));
    config.backends[0].policy.retries = 0;
    config.backends[0].policy.breakerFailures = 2;
    // Long enough that the "529 at once" checks below are not a race with a loaded machine, short
    // enough that the probe after it costs the suite little.
    config.backends[0].policy.breakerOpen = std::chrono::milliseconds(1000); // retry-after: 1
    TestGateway gateway(config);
    ApiClient client(gateway.url);

    // Refused: an api_error that names the backend, not its address, streaming or not.
    for (const bool stream : {true, false}) {
        const ApiReply reply = client.post("/v1/messages", body(stream));
        QCOMPARE(reply.status, 500);
        QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"api_error");
        QVERIFY(reply.json()[u"error"][u"message"].toString().contains(u"unreachable (connection refused)"));
        QVERIFY(!reply.body.contains(QByteArray::number(port)));
    }

    // Two refusals in a row open the breaker: 529 at once, with retry-after, for a while.
    const ApiReply down = client.post("/v1/messages", body(false));
    QCOMPARE(down.status, 529);
    QCOMPARE(down.json()[u"error"][u"type"].toString(), u"overloaded_error");
    QVERIFY(down.json()[u"error"][u"message"].toString().contains(u"Backend 'fake' is down"));
    QCOMPARE(down.header("retry-after"), QByteArray("1"));

    // Once it has been open long enough, one request probes again: refused, so it opens again.
    int status = 529;
    QVERIFY(QTest::qWaitFor([&] { return (status = client.post("/v1/messages", body(false)).status) != 529; }, 20'000));
    QCOMPARE(status, 500);
    QCOMPARE(client.post("/v1/messages", body(false)).status, 529);
}

void TestBackendFailures::retries_happenOnlyBeforeOutput()
{
    // Refused once, then fine: the client never sees the first failure.
    QTcpServer flaky;
    QVERIFY(flaky.listen(QHostAddress::LocalHost, 0));
    int connections = 0;
    connect(&flaky, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = flaky.nextPendingConnection();
        if (++connections == 1) {
            socket->abort(); // reset before any byte of an answer
            return;
        }
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            const QByteArray body = FakeBackend::fixture(u"llama-cpp/03_chat_basic.json"_s);
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
    });
    TestGateway gateway(TestGateway::openAi("http://127.0.0.1:" + QByteArray::number(flaky.serverPort())));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", body(false));
    QCOMPARE(reply.status, 200);
    QCOMPARE(connections, 2);

    // A 429 with a short retry-after is waited out once; a long one reaches the client.
    const FakeResponse healthy =
        FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s));
    auto busy = [](const char *retryAfter) {
        FakeResponse response = FakeResponse::json(R"({"error":{"message":"busy"}})", 429);
        response.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray(retryAfter)));
        return response;
    };
    int calls = 0;
    m_backend->on("/v1/chat/completions",
                  [&](const CapturedRequest &) { return calls++ == 0 ? busy("0.1") : healthy; });
    TestGateway retrying(TestGateway::openAi(m_backend->baseUrl()));
    ApiClient retryingClient(retrying.url);
    QCOMPARE(retryingClient.post("/v1/messages", body(true)).eventNames().last(), QByteArray("message_stop"));
    QCOMPARE(calls, 2);
    m_backend->on("/v1/chat/completions", busy("120"));
    const ApiReply limited = retryingClient.post("/v1/messages", body(false));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("retry-after"), QByteArray("120"));

    // Output went out, then the backend died: never replayed.
    FakeResponse dying = partialStream(2);
    dying.end = FakeResponse::End::DropConnection;
    m_backend->on("/v1/chat/completions", dying);
    const qsizetype before = m_backend->requests().size();
    QCOMPARE(retryingClient.post("/v1/messages", body(true)).eventNames().last(), QByteArray("error"));
    QCOMPARE(m_backend->requests().size(), before + 1);
}

void TestBackendFailures::silentBackend_isTimeout()
{
    // Accepts the connection and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    Core::UpstreamTimeouts timeouts;
    timeouts.firstByte = std::chrono::milliseconds(300);
    TestGateway gateway(TestGateway::openAi("http://127.0.0.1:" + QByteArray::number(silent.serverPort()), timeouts));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", body(false));
    QCOMPARE(reply.status, 504);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"timeout_error");
}

void TestBackendFailures::backendDiesMidStream_data()
{
    QTest::addColumn<int>("chunks");
    QTest::addColumn<int>("end");
    QTest::addRow("killed after 1 chunk") << 1 << int(FakeResponse::End::DropConnection);
    QTest::addRow("killed after 50 chunks") << 50 << int(FakeResponse::End::DropConnection);
    QTest::addRow("ended cleanly but never finished") << 3 << int(FakeResponse::End::Complete);
}

void TestBackendFailures::backendDiesMidStream()
{
    QFETCH(int, chunks);
    QFETCH(int, end);
    FakeResponse response = partialStream(chunks);
    response.end = FakeResponse::End(end);
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply = ask(true);
    QCOMPARE(reply.status, 200); // the stream had started
    const QByteArrayList events = reply.eventNames();
    QCOMPARE(events.last(), QByteArray("error"));
    QVERIFY(!events.contains("message_stop"));
    QCOMPARE(events.count("content_block_delta"), chunks);
    const QJsonObject error = reply.frames().last().json();
    QCOMPARE(error[u"type"].toString(), u"error");
    QCOMPARE(error[u"error"][u"type"].toString(), u"api_error");
}

void TestBackendFailures::backendStallsMidStream_isTimeoutEvent()
{
    FakeResponse response = partialStream(2);
    response.end = FakeResponse::End::Hang;
    m_backend->on("/v1/chat/completions", response);
    Core::UpstreamTimeouts timeouts;
    timeouts.idle = std::chrono::milliseconds(300);
    const ApiReply reply = ask(true, timeouts);
    QCOMPARE(reply.eventNames().last(), QByteArray("error"));
    QCOMPARE(reply.frames().last().json()[u"error"][u"type"].toString(), u"timeout_error");
    QTRY_COMPARE(m_backend->abortedByClient(), 1); // and the stalled upstream was let go
}

void TestBackendFailures::backendKilledBeforeAnyChunk_isARealError()
{
    FakeResponse response = partialStream(0); // headers, then the process dies
    response.end = FakeResponse::End::DropConnection;
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply = ask(true);
    // Nothing had reached the client, so it is retried once, then answered with a real status.
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"api_error");
    QCOMPARE(m_backend->requests().size(), 2);
}

void TestBackendFailures::backendHangsAfterHeaders_isTimeout()
{
    FakeResponse response = partialStream(0);
    response.end = FakeResponse::End::Hang;
    m_backend->on("/v1/chat/completions", response);
    Core::UpstreamTimeouts timeouts;
    timeouts.idle = std::chrono::milliseconds(300);
    const ApiReply reply = ask(true, timeouts);
    QCOMPARE(reply.status, 504);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"timeout_error");
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

void TestBackendFailures::hugeLineWithoutNewline_endsTheStreamQuickly()
{
    FakeResponse response = partialStream(2);
    response.chunks.append(": garbage comment\n\nnot a field at all\n\n");
    // 2 MB of one line that never ends, in 64 KB writes.
    const QByteArray piece(64 * 1024, 'z');
    response.chunks.append("data: " + piece);
    for (int i = 1; i < 32; ++i) {
        response.chunks.append(piece);
    }
    response.end = FakeResponse::End::Hang;
    m_backend->on("/v1/chat/completions", response);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    RawClient client(quint16(gateway.url.port()));
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                QByteArray::number(body(true).size()) + "\r\n\r\n" + body(true));
    QVERIFY(client.waitFor("event: content_block_delta"));
    // An event over 1 MiB is refused as it grows, not after the backend gives up.
    QTRY_VERIFY_WITH_TIMEOUT(client.received().contains("event: error"), 1000);
    QVERIFY(client.received().contains("larger than 1 MiB"));
    QVERIFY(!client.received().contains("message_stop"));
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

void TestBackendFailures::nextRequestWorksAfterAFailure()
{
    FakeResponse dying = partialStream(1);
    dying.end = FakeResponse::End::DropConnection;
    FakeResponse healthy = FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s));
    int calls = 0;
    m_backend->on("/v1/chat/completions", [&](const CapturedRequest &) { return calls++ == 0 ? dying : healthy; });
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    QCOMPARE(client.post("/v1/messages", body(true)).eventNames().last(), QByteArray("error"));
    const ApiReply second = client.post("/v1/messages", body(true));
    QCOMPARE(second.eventNames().last(), QByteArray("message_stop"));
    QCOMPARE(second.streamedText(), QByteArray(" well need had had."));
}

void TestBackendFailures::backendRedirect_isABackendFailure_data()
{
    QTest::addColumn<int>("backendStatus");
    QTest::addColumn<QByteArray>("location");
    QTest::addColumn<QString>("shownLocation");
    QTest::addColumn<QByteArrayList>("hidden");
    QTest::addColumn<bool>("httpsHint");

    QTest::addRow("301 to https") << 301 << QByteArray("https://llm.example.com/v1/chat/completions")
                                  << u"https://llm.example.com/v1/chat/completions"_s << QByteArrayList{} << true;
    QTest::addRow("307 relative, with a token in the query")
        << 307 << QByteArray("/v2/chat/completions?token=s3cret") << u"/v2/chat/completions"_s
        << QByteArrayList{"s3cret", "token="} << false;
    QTest::addRow("308 with credentials and a fragment")
        << 308 << QByteArray("https://user:hunter2@llm.example.com/v1/chat/completions?key=abc#part")
        << u"https://llm.example.com/v1/chat/completions"_s << QByteArrayList{"hunter2", "user:", "abc", "#part"}
        << true;
}

void TestBackendFailures::backendRedirect_isABackendFailure()
{
    QFETCH(int, backendStatus);
    QFETCH(QByteArray, location);
    QFETCH(QString, shownLocation);
    QFETCH(QByteArrayList, hidden);
    QFETCH(bool, httpsHint);

    FakeResponse response = FakeResponse::json({}, backendStatus);
    response.headers.append(qMakePair(QByteArray("Location"), location));
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply = ask(false);
    // The backend's URL is wrong, not the client's request: a 5xx that retrying will not change.
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"api_error");
    QCOMPARE(reply.header("x-should-retry"), QByteArray("false"));
    const QString message = reply.json()[u"error"][u"message"].toString();
    QVERIFY2(message.startsWith(u"Backend 'fake' redirected"), qPrintable(message));
    QVERIFY2(message.contains(u"HTTP " + QString::number(backendStatus)), qPrintable(message));
    QVERIFY2(message.contains(shownLocation), qPrintable(message));
    for (const QByteArray &secret : hidden) {
        QVERIFY2(!reply.body.contains(secret), secret.constData());
    }
    QCOMPARE(message.contains(u"should probably start with https://"), httpsHint);
    QCOMPARE(m_backend->requests().size(), 1); // not followed
}

void TestBackendFailures::keepAlivesOnly_endAtTheFirstContentLimit_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addRow("streamed") << true;
    QTest::addRow("JSON") << false;
}

void TestBackendFailures::keepAlivesOnly_endAtTheFirstContentLimit()
{
    QFETCH(bool, stream);
    // Comments every 20 ms keep the idle timer from ever firing; nothing else arrives.
    FakeResponse response = partialStream(0);
    response.end = FakeResponse::End::Trickle;
    response.interval = std::chrono::milliseconds(20);
    m_backend->on("/v1/chat/completions", response);
    Core::UpstreamTimeouts timeouts;
    timeouts.firstContent = std::chrono::milliseconds(300);
    const ApiReply reply = ask(stream, timeouts);
    QVERIFY(reply.finished);
    QCOMPARE(reply.status, 504);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"timeout_error");
    QVERIFY2(reply.json()[u"error"][u"message"].toString().contains(u"first_content_ms"), reply.body.constData());
    QTRY_COMPARE(m_backend->abortedByClient(), 1); // and the backend was let go
}

void TestBackendFailures::tricklingBackend_endsAtTheTotalLimit_data()
{
    QTest::addColumn<QByteArray>("trickle");
    QTest::addColumn<int>("deltas");
    // Content first, so only the total limit can end it: keep-alive comments after it...
    QTest::addRow("comments after content") << QByteArray(": keep-alive\n\n") << 2;
    // ...or an event that never ends, one byte at a time.
    QTest::addRow("an event a byte at a time") << QByteArray("x") << 2;
}

void TestBackendFailures::tricklingBackend_endsAtTheTotalLimit()
{
    QFETCH(QByteArray, trickle);
    QFETCH(int, deltas);
    FakeResponse response = partialStream(deltas);
    if (trickle == "x") {
        response.chunks.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    }
    response.end = FakeResponse::End::Trickle;
    response.trickle = trickle;
    response.interval = std::chrono::milliseconds(20);
    m_backend->on("/v1/chat/completions", response);
    Core::UpstreamTimeouts timeouts;
    timeouts.firstContent = std::chrono::milliseconds(300);
    timeouts.total = std::chrono::milliseconds(600);
    const ApiReply reply = ask(true, timeouts);
    QVERIFY(reply.finished);
    QCOMPARE(reply.status, 200); // the stream had started
    const QByteArrayList events = reply.eventNames();
    QCOMPARE(events.count("content_block_delta"), deltas);
    QCOMPARE(events.last(), QByteArray("error"));
    QVERIFY(!events.contains("message_stop"));
    const QJsonObject error = reply.frames().last().json();
    QCOMPARE(error[u"error"][u"type"].toString(), u"timeout_error");
    QVERIFY2(error[u"error"][u"message"].toString().contains(u"total_ms"), reply.body.constData());
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

void TestBackendFailures::configuredLimits_reachTheCall()
{
    // timeouts.first_content_ms and timeouts.total_ms as written in a config file, read and
    // written back, end a backend that only sends keep-alives.
    FakeResponse response = partialStream(0);
    response.end = FakeResponse::End::Trickle;
    response.interval = std::chrono::milliseconds(20);
    m_backend->on("/v1/chat/completions", response);
    const QByteArray file = R"({"backends":[{"name":"fake","type":"openai","url":")" + m_backend->baseUrl() +
                            R"(/v1","timeouts":{"first_content_ms":300,"total_ms":5000}}]})";
    auto config = Core::GatewayConfig::fromJson(file);
    QVERIFY2(bool(config), config ? "" : qPrintable(config.error()));
    QCOMPARE(config->backends.front().timeouts.firstContent, std::chrono::milliseconds(300));
    QCOMPARE(config->backends.front().timeouts.total, std::chrono::milliseconds(5000));
    const QByteArray written = config->toJson();
    QVERIFY2(written.contains(R"("first_content_ms":300)") && written.contains(R"("total_ms":5000)"),
             written.constData());
    TestGateway gateway(*config);
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", body(true));
    QCOMPARE(reply.status, 504);
    QVERIFY2(reply.json()[u"error"][u"message"].toString().contains(u"first_content_ms"), reply.body.constData());
}

void TestBackendFailures::passThroughRedirect_isNotRelayed()
{
    FakeResponse response = FakeResponse::json({}, 308);
    response.headers.append(qMakePair(QByteArray("Location"), QByteArray("https://api.example.com/v1/messages")));
    m_backend->on("/v1/messages", response);
    TestGateway gateway(TestGateway::anthropic(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", body(false));
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"api_error");
    QCOMPARE(reply.header("location"), QByteArray()); // the relay's own answer, not the backend's
    const QString message = reply.json()[u"error"][u"message"].toString();
    QVERIFY2(message.contains(u"HTTP 308 to https://api.example.com/v1/messages"), qPrintable(message));
    QVERIFY2(message.contains(u"should probably start with https://"), qPrintable(message));
}

void TestBackendFailures::passThroughPings_areNotContent_data()
{
    QTest::addColumn<QByteArray>("first");
    QTest::addColumn<QString>("limit");
    const QByteArray ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    QTest::addRow("pings only") << ping << u"first_content_ms"_s;
    // Content first: the stream passes the first-content limit and only the total ends it.
    QTest::addRow("content, then pings")
        << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n") << u"total_ms"_s;
}

void TestBackendFailures::passThroughPings_areNotContent()
{
    QFETCH(QByteArray, first);
    QFETCH(QString, limit);
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {first};
    response.end = FakeResponse::End::Trickle;
    response.trickle = "event: ping\ndata: {\"type\":\"ping\"}\n\n: still here\n\n";
    response.interval = std::chrono::milliseconds(20);
    m_backend->on("/v1/messages", response);
    Core::GatewayConfig config = TestGateway::anthropic(m_backend->baseUrl());
    config.backends.front().timeouts.firstContent = std::chrono::milliseconds(300);
    config.backends.front().timeouts.total = std::chrono::milliseconds(600);
    TestGateway gateway(config);
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", body(true));
    QVERIFY(reply.finished);
    QVERIFY2(reply.body.contains("timeout_error"), reply.body.constData());
    QVERIFY2(reply.body.contains(limit.toUtf8()), reply.body.constData());
    QVERIFY(!reply.body.contains("message_stop"));
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

QTEST_GUILESS_MAIN(TestBackendFailures)
#include "tst_backendfailures.moc"
