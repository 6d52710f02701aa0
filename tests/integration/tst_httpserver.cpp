// SPDX-License-Identifier: MIT
#include "rawclient.h"
#include "testgateway.h"

#include <QtCore/QTimer>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// The HTTP/1.1 layer under the API, byte by byte: the gaps measured in QHttpServer 6.4 (no 100
// Continue, Connection: close ignored, silent drops on malformed input, a broken header letting the
// body be read as the next request, out-of-order pipelined answers, no size limit) stay closed.
class TestHttpServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void keepAlive_servesSeveralRequestsOnOneConnection();
    void pipelinedRequests_areAnsweredInOrder();
    void expectContinue_isAnswered();
    void connectionClose_closesAfterTheResponse();
    void http10_closesAndStreamsWithoutChunks();
    void malformedRequest_gets400AndTheConnectionCloses_data();
    void malformedRequest_gets400AndTheConnectionCloses();
    void brokenHeader_neverLetsTheBodyBecomeARequest();
    void oversizedBody_isRefusedBeforeItIsSent();
    void chunkedRequestBody_isAccepted();
    void headRequest_hasNoBody();
    void idleConnection_isClosed();
    void trickledHead_isClosedAtTheHeadDeadline();
    void trickledBody_belowTheMinimumRate_isClosed();
    void bodyAtAFairPace_outlivesTheHeadDeadline();
    void clientOverThePerAddressCap_isRefusedWhileOthersAreServed();
    void clientOverTheTotalCap_isRefused_unlessExempt_data();
    void clientOverTheTotalCap_isRefused_unlessExempt();

private:
    std::unique_ptr<TestGateway> m_gateway;
    quint16 m_port = 0;
};

namespace {

const QByteArray Body = R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"Say exactly: ok"}]})";

QByteArray post(const QByteArray &body = Body, const QByteArray &extraHeaders = {})
{
    return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Writes `bytes` a piece at a time, one piece per interval, until all are sent or the server closes.
class Trickle
{
public:
    Trickle(RawClient &client, QByteArray bytes, qsizetype piece, std::chrono::milliseconds interval)
        : m_client(client)
        , m_bytes(std::move(bytes))
        , m_piece(piece)
    {
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { sendNext(); });
        m_timer.start(interval);
        sendNext();
    }

    qsizetype sent() const { return m_sent; }
    bool finished() const { return m_sent == m_bytes.size(); }

private:
    void sendNext()
    {
        if (finished() || !m_client.isConnected()) {
            m_timer.stop();
            return;
        }
        const QByteArray next = m_bytes.mid(m_sent, m_piece);
        m_client.send(next);
        m_sent += next.size();
    }

    RawClient &m_client;
    QByteArray m_bytes;
    qsizetype m_piece;
    qsizetype m_sent = 0;
    QTimer m_timer;
};

// A gateway listening on every IPv4 address, so the connection caps apply.
std::unique_ptr<Core::Gateway> gatewayBeyondLoopback(const Core::HttpServerLimits &limits)
{
    auto gateway =
        std::make_unique<Core::Gateway>(TestGateway::withKey(TestGateway::simulator(0)), Core::ServerOptions{}, limits);
    if (!gateway->listen(QHostAddress::AnyIPv4, 0)) {
        return nullptr;
    }
    return gateway;
}

const QByteArray Get = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n";

} // namespace

void TestHttpServer::init()
{
    Core::HttpServerLimits limits;
    limits.idleTimeout = std::chrono::milliseconds(500);
    m_gateway = std::make_unique<TestGateway>(TestGateway::simulator(0), Core::ServerOptions{}, limits);
    m_port = quint16(m_gateway->url.port());
}

void TestHttpServer::cleanup()
{
    m_gateway.reset();
}

void TestHttpServer::keepAlive_servesSeveralRequestsOnOneConnection()
{
    RawClient client(m_port);
    for (int i = 1; i <= 3; ++i) {
        client.send(post());
        QVERIFY(QTest::qWaitFor([&] { return client.count("\"stop_reason\":\"end_turn\"") == i; }, 5000));
    }
    QVERIFY(client.isConnected());
    QCOMPARE(client.count("HTTP/1.1 200 OK"), 3);
}

void TestHttpServer::pipelinedRequests_areAnsweredInOrder()
{
    // Three requests in one write: a stream, an instant error and a JSON answer. Their responses
    // must come back in that order, each complete before the next starts.
    RawClient client(m_port);
    const QByteArray streaming =
        R"({"model":"m","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]})";
    client.send(post(streaming) + "GET /v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + post());
    QVERIFY(QTest::qWaitFor([&] { return client.count("HTTP/1.1 ") == 3 && client.received().endsWith("}}"); }, 10000));
    const QByteArray &received = client.received();
    const qsizetype streamEnd = received.indexOf("event: message_stop");
    const qsizetype notFound = received.indexOf("HTTP/1.1 404");
    const qsizetype json = received.lastIndexOf("HTTP/1.1 200");
    QVERIFY(received.startsWith("HTTP/1.1 200"));
    QVERIFY2(streamEnd > 0 && notFound > streamEnd && json > notFound,
             qPrintable(QStringLiteral("%1 %2 %3").arg(streamEnd).arg(notFound).arg(json)));
}

void TestHttpServer::expectContinue_isAnswered()
{
    RawClient client(m_port);
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: " +
                QByteArray::number(Body.size()) + "\r\n\r\n");
    QVERIFY(client.waitFor("HTTP/1.1 100 Continue\r\n\r\n"));
    client.send(Body);
    QVERIFY(client.waitFor("HTTP/1.1 200 OK"));
}

void TestHttpServer::connectionClose_closesAfterTheResponse()
{
    RawClient client(m_port);
    client.send(post(Body, "Connection: close\r\n"));
    QVERIFY(client.waitForClose());
    QVERIFY(client.received().startsWith("HTTP/1.1 200 OK"));
    QVERIFY(client.received().contains("Connection: close"));
    QVERIFY(client.received().endsWith("}"));
}

void TestHttpServer::http10_closesAndStreamsWithoutChunks()
{
    RawClient client(m_port);
    const QByteArray streaming =
        R"({"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"Say exactly: ok"}]})";
    client.send("POST /v1/messages HTTP/1.0\r\nContent-Length: " + QByteArray::number(streaming.size()) + "\r\n\r\n" +
                streaming);
    QVERIFY(client.waitForClose());
    const QByteArray &received = client.received();
    QVERIFY(!received.contains("Transfer-Encoding: chunked"));
    QVERIFY(received.contains("\r\n\r\nevent: message_start"));
    QVERIFY(received.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

void TestHttpServer::malformedRequest_gets400AndTheConnectionCloses_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("status");
    QTest::addRow("tls handshake") << QByteArray("\x16\x03\x01\x02\x00\r\n\r\n", 9) << QByteArray("HTTP/1.1 400");
    QTest::addRow("no colon") << QByteArray("GET /v1/models HTTP/1.1\r\nHost: a\r\nnot a header\r\n\r\n")
                              << QByteArray("HTTP/1.1 400");
    QTest::addRow("smuggling") << QByteArray("POST /v1/messages HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                               << QByteArray("HTTP/1.1 400");
    QTest::addRow("too many headers") << "GET / HTTP/1.1\r\nHost: a\r\n" + QByteArray("X-A: b\r\n").repeated(150) +
                                             "\r\n"
                                      << QByteArray("HTTP/1.1 431");
}

void TestHttpServer::malformedRequest_gets400AndTheConnectionCloses()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, status);
    RawClient client(m_port);
    client.send(raw);
    QVERIFY(client.waitForClose());
    QVERIFY2(client.received().startsWith(status), client.received().constData());
    QVERIFY(client.received().contains("\"type\":\"error\""));
    QVERIFY(client.received().contains("request-id: req_"));
}

void TestHttpServer::brokenHeader_neverLetsTheBodyBecomeARequest()
{
    // QHttpServer 6.4 gives up on the header, dispatches an empty request and then parses the body
    // as the next request: a smuggled GET. Here the connection ends at the broken header.
    RawClient client(m_port);
    const QByteArray smuggled = "GET /v1/models HTTP/1.1\r\nHost: a\r\n\r\n";
    client.send("POST /v1/messages HTTP/1.1\r\nHost: a\r\nBroken\r\nContent-Length: " +
                QByteArray::number(smuggled.size()) + "\r\n\r\n" + smuggled);
    QVERIFY(client.waitForClose());
    QCOMPARE(client.count("HTTP/1.1 "), 1);
    QVERIFY(!client.received().contains("\"data\""));
}

void TestHttpServer::oversizedBody_isRefusedBeforeItIsSent()
{
    RawClient client(m_port);
    client.send("POST /v1/messages HTTP/1.1\r\nHost: a\r\nContent-Length: 40000000\r\n\r\n");
    QVERIFY(client.waitForClose());
    QVERIFY(client.received().startsWith("HTTP/1.1 413"));
    QVERIFY(client.received().contains("\"type\":\"request_too_large\""));
}

void TestHttpServer::chunkedRequestBody_isAccepted()
{
    RawClient client(m_port);
    const QByteArray first = Body.left(20);
    const QByteArray rest = Body.mid(20);
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                QByteArray::number(first.size(), 16) + "\r\n" + first + "\r\n" + QByteArray::number(rest.size(), 16) +
                "\r\n" + rest + "\r\n0\r\n\r\n");
    QVERIFY(client.waitFor("\"stop_reason\""));
    QVERIFY(client.received().startsWith("HTTP/1.1 200 OK"));
}

void TestHttpServer::headRequest_hasNoBody()
{
    RawClient client(m_port);
    client.send(
        "HEAD /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(client.waitFor("\"has_more\""));
    QCOMPARE(client.count("HTTP/1.1 200 OK"), 2);
    QCOMPARE(client.count("\"has_more\""), 1);
}

void TestHttpServer::idleConnection_isClosed()
{
    RawClient client(m_port);
    client.send(post());
    QVERIFY(client.waitFor("\"stop_reason\""));
    QVERIFY(client.waitForClose(3000)); // the idle timeout is 500 ms in this test
    QTRY_COMPARE(m_gateway->gateway->connectionCount(), 0);
}

void TestHttpServer::trickledHead_isClosedAtTheHeadDeadline()
{
    // Each byte arrives well within any per-read timeout, but the head as a whole takes seconds.
    Core::HttpServerLimits limits;
    limits.headTimeout = std::chrono::milliseconds(300);
    TestGateway gateway(TestGateway::simulator(0), Core::ServerOptions{}, limits);
    RawClient client(quint16(gateway.url.port()));
    const QByteArray head = post().left(post().indexOf("\r\n\r\n") + 4);
    Trickle trickle(client, head, 1, std::chrono::milliseconds(20));
    QVERIFY(client.waitForClose());
    QVERIFY2(!trickle.finished(), "the head was read to its end");
    QVERIFY2(client.received().startsWith("HTTP/1.1 408"), client.received().constData());
    QVERIFY(client.received().contains("Timed out reading the request head"));
    QTRY_COMPARE(gateway.gateway->connectionCount(), 0);
}

void TestHttpServer::trickledBody_belowTheMinimumRate_isClosed()
{
    Core::HttpServerLimits limits;
    limits.bodyGrace = std::chrono::milliseconds(200);
    limits.minBodyBytesPerSecond = 1000;
    TestGateway gateway(TestGateway::simulator(0), Core::ServerOptions{}, limits);
    RawClient client(quint16(gateway.url.port()));
    const QByteArray body = Body + QByteArray(10'000, ' '); // JSON may end in whitespace
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n");
    Trickle trickle(client, body, 5, std::chrono::milliseconds(20)); // 250 bytes/s
    QVERIFY(client.waitForClose());
    QVERIFY2(!trickle.finished(), "the body was read to its end");
    QVERIFY2(client.received().startsWith("HTTP/1.1 408"), client.received().constData());
    QVERIFY(client.received().contains("The request body arrived too slowly"));
}

void TestHttpServer::bodyAtAFairPace_outlivesTheHeadDeadline()
{
    // The head deadline ends with the head; a body above the minimum rate may take longer.
    Core::HttpServerLimits limits;
    limits.headTimeout = std::chrono::milliseconds(100);
    limits.bodyGrace = std::chrono::milliseconds(300);
    limits.minBodyBytesPerSecond = 1000;
    TestGateway gateway(TestGateway::simulator(0), Core::ServerOptions{}, limits);
    RawClient client(quint16(gateway.url.port()));
    const QByteArray body = Body + QByteArray(4000, ' ');
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n");
    Trickle trickle(client, body, 500, std::chrono::milliseconds(50)); // 10,000 bytes/s over ~400 ms
    QVERIFY(client.waitFor("\"stop_reason\""));
    QVERIFY(trickle.finished());
    QVERIFY2(client.received().startsWith("HTTP/1.1 200 OK"), client.received().constData());
}

void TestHttpServer::clientOverThePerAddressCap_isRefusedWhileOthersAreServed()
{
    // Loopback addresses stand in for remote clients: 127.0.0.2 and 127.0.0.3 are two clients.
    Core::HttpServerLimits limits;
    limits.maxConnectionsPerAddress = 2;
    limits.exemptLoopbackClients = false;
    const auto gateway = gatewayBeyondLoopback(limits);
    QVERIFY(gateway);
    const auto port = quint16(gateway->baseUrl().port());
    const QHostAddress client(u"127.0.0.2"_s);
    RawClient first(port, client);
    RawClient second(port, client);
    for (RawClient *connection : {&first, &second}) {
        connection->send(Get);
        QVERIFY(connection->waitFor("\"has_more\""));
    }

    RawClient third(port, client);
    third.send(Get);
    QVERIFY(third.waitForClose());
    QCOMPARE(third.received(), QByteArray()); // closed before a byte was read or written

    // The two within the cap, and a client from another address, are still served.
    first.send(Get);
    QTRY_COMPARE(first.count("HTTP/1.1 200 OK"), 2);
    RawClient other(port, QHostAddress(u"127.0.0.3"_s));
    other.send(Get);
    QVERIFY(other.waitFor("\"has_more\""));

    // A closed connection frees its place.
    first.close();
    QTRY_COMPARE(gateway->connectionCount(), 2);
    RawClient fourth(port, client);
    fourth.send(Get);
    QVERIFY(fourth.waitFor("\"has_more\""));
}

void TestHttpServer::clientOverTheTotalCap_isRefused_unlessExempt_data()
{
    QTest::addColumn<bool>("exemptLoopback");
    QTest::addRow("loopback clients capped (behind a local proxy)") << false;
    QTest::addRow("loopback clients exempt (the default)") << true;
}

void TestHttpServer::clientOverTheTotalCap_isRefused_unlessExempt()
{
    QFETCH(bool, exemptLoopback);
    Core::HttpServerLimits limits;
    limits.maxConnections = 2;
    limits.exemptLoopbackClients = exemptLoopback;
    const auto gateway = gatewayBeyondLoopback(limits);
    QVERIFY(gateway);
    const auto port = quint16(gateway->baseUrl().port());
    RawClient first(port, QHostAddress(u"127.0.0.2"_s));
    first.send(Get);
    QVERIFY(first.waitFor("\"has_more\""));
    RawClient second(port, QHostAddress(u"127.0.0.3"_s));
    second.send(Get);
    QVERIFY(second.waitFor("\"has_more\""));

    RawClient over(port, QHostAddress(u"127.0.0.4"_s));
    over.send(Get);
    if (exemptLoopback) {
        // Counted, never refused: local tools keep working on a server that also listens on the LAN.
        QVERIFY(over.waitFor("\"has_more\""));
        QCOMPARE(gateway->connectionCount(), 3);
    } else {
        QVERIFY(over.waitForClose());
        QCOMPARE(over.received(), QByteArray());
        QCOMPARE(gateway->connectionCount(), 2);
    }
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
