// SPDX-License-Identifier: MIT
#include "http/httprequestparser.h"
#include "http/httpresponseparser.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;

// The request parser the server trusts, and the response parser the relay reads upstreams with.
class TestHttpParsers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void request_parses_data();
    void request_parses();
    void request_parsesTheSameAtEverySplit();
    void request_isRefused_data();
    void request_isRefused();
    void request_fieldWithAStrayCharacterInItsName_isIgnored();
    void request_headCompletesBeforeTheBody();
    void request_keepAlive_data();
    void request_keepAlive();
    void request_pipelinedRequestsParseOneByOne();
    void response_parses_data();
    void response_parses();
    void response_parsesTheSameAtEverySplit();
    void response_closeDelimitedBodyEndsAtEof();
    void response_truncatedBodyIsAnError();
};

namespace {

struct ParsedRequest
{
    HttpRequestParser::Progress progress;
    HttpRequest request;
    int status = 0;
};

ParsedRequest parseRequest(const QList<QByteArray> &pieces, HttpRequestParser::Limits limits = {})
{
    HttpRequestParser parser(limits);
    QByteArray buffer;
    for (const auto &piece : pieces) {
        buffer += piece;
        while (true) {
            qsizetype consumed = 0;
            const auto progress = parser.parse(buffer, consumed);
            buffer.remove(0, consumed);
            if (progress == HttpRequestParser::Progress::HeadComplete) {
                continue;
            }
            if (progress == HttpRequestParser::Progress::MessageComplete) {
                return {progress, parser.takeRequest(), 0};
            }
            if (progress == HttpRequestParser::Progress::Error) {
                return {progress, {}, parser.errorStatus()};
            }
            break;
        }
    }
    return {HttpRequestParser::Progress::NeedMore, {}, 0};
}

struct ParsedResponse
{
    int status = 0;
    QByteArray body;
    bool ended = false;
    bool failed = false;
};

ParsedResponse parseResponse(const QList<QByteArrayView> &pieces, bool eof = false)
{
    HttpResponseParser parser;
    ParsedResponse result;
    QByteArray buffer;
    for (const auto piece : pieces) {
        buffer.append(piece.data(), piece.size());
        qsizetype offset = 0;
        while (!result.ended && !result.failed) {
            QByteArrayView data;
            const auto event = parser.next(buffer, offset, data);
            if (event == HttpResponseParser::Event::NeedMore) {
                break;
            }
            if (event == HttpResponseParser::Event::Head) {
                result.status = parser.head().status;
            } else if (event == HttpResponseParser::Event::Data) {
                result.body.append(data.data(), data.size());
            } else if (event == HttpResponseParser::Event::End) {
                result.ended = true;
            } else {
                result.failed = true;
            }
        }
        buffer.remove(0, offset);
    }
    if (eof && !result.ended && !result.failed) {
        result.ended = parser.finishAtEof() == HttpResponseParser::Event::End;
        result.failed = !result.ended;
    }
    return result;
}

} // namespace

void TestHttpParsers::request_parses_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("body");

    QTest::addRow("get") << QByteArray("GET /v1/models?limit=2 HTTP/1.1\r\nHost: a\r\n\r\n") << QByteArray("GET")
                         << QByteArray("/v1/models") << QByteArray("limit=2") << QByteArray();
    QTest::addRow("post with length") << QByteArray(
                                             "POST /v1/messages HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody")
                                      << QByteArray("POST") << QByteArray("/v1/messages") << QByteArray()
                                      << QByteArray("body");
    QTest::addRow("chunked body with extension and trailer")
        << QByteArray("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n")
        << QByteArray("POST") << QByteArray("/x") << QByteArray() << QByteArray("abcde");
    QTest::addRow("bare LF line endings") << QByteArray("GET / HTTP/1.1\nHost: a\n\n") << QByteArray("GET")
                                          << QByteArray("/") << QByteArray() << QByteArray();
    QTest::addRow("leading empty lines") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") << QByteArray("GET")
                                         << QByteArray("/") << QByteArray() << QByteArray();
    QTest::addRow("absolute form") << QByteArray("GET http://h:1/v1/models?x=1 HTTP/1.1\r\nHost: h:1\r\n\r\n")
                                   << QByteArray("GET") << QByteArray("/v1/models") << QByteArray("x=1")
                                   << QByteArray();
    QTest::addRow("http/1.0 without host")
        << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray();
    QTest::addRow("repeated equal lengths")
        << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        << QByteArray("POST") << QByteArray("/") << QByteArray() << QByteArray("ok");
}

void TestHttpParsers::request_parses()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, body);
    const auto parsed = parseRequest({raw});
    QCOMPARE(parsed.progress, HttpRequestParser::Progress::MessageComplete);
    QCOMPARE(parsed.request.method, method);
    QCOMPARE(parsed.request.path, path);
    QCOMPARE(parsed.request.query, query);
    QCOMPARE(parsed.request.body, body);
}

void TestHttpParsers::request_parsesTheSameAtEverySplit()
{
    const QByteArray raw = "POST /v1/messages?beta=true HTTP/1.1\r\nHost: 127.0.0.1:8321\r\nX-Api-Key: k\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    for (qsizetype split = 1; split < raw.size(); ++split) {
        const auto parsed = parseRequest({raw.left(split), raw.mid(split)});
        QCOMPARE(parsed.progress, HttpRequestParser::Progress::MessageComplete);
        QCOMPARE(parsed.request.body, QByteArray("hello world"));
        QCOMPARE(parsed.request.header("x-api-key"), QByteArray("k"));
        QCOMPARE(parsed.request.query, QByteArray("beta=true"));
    }
}

void TestHttpParsers::request_isRefused_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");

    QTest::addRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << 400;
    QTest::addRow("bad version") << QByteArray("GET / HTTQ/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::addRow("http/2 preface") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << 505;
    QTest::addRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nBroken header\r\n\r\n") << 400;
    QTest::addRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << 400;
    QTest::addRow("control character in a name")
        << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nTransfer\x0b: x\r\n\r\n") << 400;
    QTest::addRow("obsolete folding") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n") << 400;
    QTest::addRow("control character in a value")
        << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n") << 400;
    QTest::addRow("missing host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::addRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::addRow("length and chunked (smuggling)")
        << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::addRow("conflicting lengths")
        << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n") << 400;
    QTest::addRow("negative length") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::addRow("unsupported coding") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")
                                        << 501;
    QTest::addRow("bad chunk size") << QByteArray(
                                           "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                    << 400;
    QTest::addRow("body too large") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 33554433\r\n\r\n")
                                    << 413;
    QTest::addRow("chunked body too large")
        << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2000001\r\n") << 413;
    QTest::addRow("unknown expectation") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n") << 417;
    QTest::addRow("long request line") << "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n" << 414;
    QTest::addRow("huge headers") << "GET / HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(70000, 'a') << 431;
}

void TestHttpParsers::request_isRefused()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    const auto parsed = parseRequest({raw});
    QCOMPARE(parsed.progress, HttpRequestParser::Progress::Error);
    QCOMPARE(parsed.status, status);
}

void TestHttpParsers::request_fieldWithAStrayCharacterInItsName_isIgnored()
{
    // The Llama Stack page's curl example sends `x-]api-key`; nginx ignores such fields, so do we.
    const auto parsed = parseRequest({"POST /v1/messages HTTP/1.1\r\nHost: a\r\nx-]api-key: fake\r\n"
                                      "Content-Length: 2\r\n\r\n{}"});
    QCOMPARE(parsed.progress, HttpRequestParser::Progress::MessageComplete);
    QCOMPARE(parsed.request.headers.size(), 2);
    QVERIFY(!parsed.request.headers.contains("x-]api-key"));
    QCOMPARE(parsed.request.body, QByteArray("{}"));
}

void TestHttpParsers::request_headCompletesBeforeTheBody()
{
    HttpRequestParser parser;
    const QByteArray head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
    qsizetype consumed = 0;
    QCOMPARE(parser.parse(head, consumed), HttpRequestParser::Progress::HeadComplete);
    QCOMPARE(consumed, head.size());
    QVERIFY(parser.expectsContinue());
    QCOMPARE(parser.contentLength(), 3);
    QCOMPARE(parser.parse("", consumed), HttpRequestParser::Progress::NeedMore);
    QCOMPARE(parser.parse("abc", consumed), HttpRequestParser::Progress::MessageComplete);
    QCOMPARE(parser.request().body, QByteArray("abc"));
}

void TestHttpParsers::request_keepAlive_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("keepAlive");
    QTest::addRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << true;
    QTest::addRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") << false;
    QTest::addRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
    QTest::addRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true;
}

void TestHttpParsers::request_keepAlive()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, keepAlive);
    HttpRequestParser parser;
    qsizetype consumed = 0;
    QCOMPARE(parser.parse(raw, consumed), HttpRequestParser::Progress::HeadComplete);
    QCOMPARE(parser.wantsKeepAlive(), keepAlive);
}

void TestHttpParsers::request_pipelinedRequestsParseOneByOne()
{
    QByteArray buffer = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nxGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
    HttpRequestParser parser;
    QByteArrayList paths;
    while (!buffer.isEmpty()) {
        qsizetype consumed = 0;
        const auto progress = parser.parse(buffer, consumed);
        buffer.remove(0, consumed);
        if (progress == HttpRequestParser::Progress::MessageComplete) {
            paths.append(parser.takeRequest().path);
            parser.reset();
        }
        QVERIFY(progress != HttpRequestParser::Progress::Error);
    }
    qsizetype consumed = 0;
    if (parser.parse(buffer, consumed) == HttpRequestParser::Progress::MessageComplete) {
        paths.append(parser.takeRequest().path);
    }
    QCOMPARE(paths, QByteArrayList({"/a", "/b"}));
}

void TestHttpParsers::response_parses_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << 200
                            << QByteArray("hello");
    QTest::addRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n")
                             << 200 << QByteArray("hello!");
    QTest::addRow("interim 100 first") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n"
                                                     "Content-Length: 2\r\n\r\nno")
                                       << 404 << QByteArray("no");
    QTest::addRow("no content") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << 204 << QByteArray();
}

void TestHttpParsers::response_parses()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const auto parsed = parseResponse({raw});
    QVERIFY(parsed.ended);
    QCOMPARE(parsed.status, status);
    QCOMPARE(parsed.body, body);
}

void TestHttpParsers::response_parsesTheSameAtEverySplit()
{
    const QByteArray raw = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "F\r\ndata: {\"a\":1}\n\n\r\nE\r\ndata: [DONE]\n\n\r\n0\r\n\r\n";
    for (qsizetype split = 1; split < raw.size(); ++split) {
        const auto parsed = parseResponse({QByteArrayView(raw).first(split), QByteArrayView(raw).sliced(split)});
        QVERIFY2(parsed.ended, qPrintable(QStringLiteral("split %1").arg(split)));
        QCOMPARE(parsed.body, QByteArray("data: {\"a\":1}\n\ndata: [DONE]\n\n"));
    }
}

void TestHttpParsers::response_closeDelimitedBodyEndsAtEof()
{
    const auto parsed = parseResponse({"HTTP/1.0 200 OK\r\n\r\nstream until close"}, true);
    QVERIFY(parsed.ended);
    QCOMPARE(parsed.body, QByteArray("stream until close"));
}

void TestHttpParsers::response_truncatedBodyIsAnError()
{
    QVERIFY(parseResponse({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, true).failed);
    QVERIFY(parseResponse({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}, true).failed);
    QVERIFY(parseResponse({"HTTP/1.1 200 OK\r\nContent-Le"}, true).failed);
    QVERIFY(parseResponse({"NOT HTTP\r\n\r\n"}).failed);
}

QTEST_GUILESS_MAIN(TestHttpParsers)
#include "tst_httpparsers.moc"
