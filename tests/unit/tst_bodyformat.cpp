// SPDX-License-Identifier: MIT
#include "traffic/bodyformat.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

// The inspector shows bodies as they were sent, only easier to read, and the text a stream
// delivered without the reader adding up deltas by eye.
class TestBodyFormat final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void prettyBody_indentsJsonKeepingKeyOrder();
    void prettyBody_keepsStringsAndNumbersVerbatim();
    void prettyBody_leavesOtherBodiesAlone_data();
    void prettyBody_leavesOtherBodiesAlone();
    void assembledText_anthropicStream();
    void assembledText_anthropicThinkingAndToolUse();
    void assembledText_anthropicError();
    void assembledText_openAiStream();
    void assembledText_ignoresNoise();
};

namespace {

const HttpHeaders JsonHeaders{{"Content-Type", "application/json"}};

CapturedSseEvent sse(const char *name, const char *data)
{
    return {0, QByteArray(name), QByteArray(data)};
}

} // namespace

void TestBodyFormat::prettyBody_indentsJsonKeepingKeyOrder()
{
    const QByteArray body =
        R"({"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"tools":[],"meta":{}})";
    QCOMPARE(BodyFormat::prettyBody(body, JsonHeaders), uR"({
  "model": "m",
  "max_tokens": 16,
  "messages": [
    {
      "role": "user",
      "content": "hi"
    }
  ],
  "tools": [],
  "meta": {}
})"_s);
}

void TestBodyFormat::prettyBody_keepsStringsAndNumbersVerbatim()
{
    // Structural characters inside strings, escaped quotes, and numbers QJsonDocument would reprint.
    const QByteArray body = R"({ "a" : "x,{y}: [z] \"q\" \\", "n": 1.50e3, "big": 12345678901234567890 })";
    QCOMPARE(BodyFormat::prettyBody(body, {}), uR"({
  "a": "x,{y}: [z] \"q\" \\",
  "n": 1.50e3,
  "big": 12345678901234567890
})"_s);
}

void TestBodyFormat::prettyBody_leavesOtherBodiesAlone_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addRow("empty") << QByteArray() << QByteArray("application/json");
    QTest::addRow("broken json") << QByteArray(R"({"a":)") << QByteArray("application/json");
    QTest::addRow("event stream") << QByteArray("event: ping\ndata: {\"type\":\"ping\"}\n\n")
                                  << QByteArray("text/event-stream");
    QTest::addRow("plain text") << QByteArray("{not json because the type says so}") << QByteArray("text/plain");
    QTest::addRow("utf-8") << QByteArray("h\xc3\xa9llo") << QByteArray();
}

void TestBodyFormat::prettyBody_leavesOtherBodiesAlone()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    HttpHeaders headers;
    if (!contentType.isEmpty()) {
        headers.append("content-type", contentType);
    }
    QCOMPARE(BodyFormat::prettyBody(body, headers), QString::fromUtf8(body));
}

void TestBodyFormat::assembledText_anthropicStream()
{
    const QList<CapturedSseEvent> events{
        sse("message_start", R"({"type":"message_start","message":{"id":"msg_1","content":[],"usage":{}}})"),
        sse("content_block_start",
            R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"),
        sse("ping", R"({"type":"ping"})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", wor"}})"),
        sse("content_block_delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ld"}})"),
        sse("content_block_stop", R"({"type":"content_block_stop","index":0})"),
        sse("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{}})"),
        sse("message_stop", R"({"type":"message_stop"})"),
    };
    QCOMPARE(BodyFormat::assembledText(events), u"Hello, world"_s);
}

void TestBodyFormat::assembledText_anthropicThinkingAndToolUse()
{
    const QList<CapturedSseEvent> events{
        sse("content_block_start", R"({"index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})"),
        sse("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"Weather? "}})"),
        sse("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"Use the tool."}})"),
        sse("content_block_delta", R"({"index":0,"delta":{"type":"signature_delta","signature":"abc"}})"),
        sse("content_block_stop", R"({"index":0})"),
        sse("content_block_start", R"({"index":1,"content_block":{"type":"text","text":"Let me check."}})"),
        sse("content_block_stop", R"({"index":1})"),
        sse("content_block_start",
            R"({"index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})"),
        sse("content_block_delta", R"({"index":2,"delta":{"type":"input_json_delta","partial_json":""}})"),
        sse("content_block_delta", R"({"index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": "}})"),
        sse("content_block_delta", R"({"index":2,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}})"),
        sse("content_block_stop", R"({"index":2})"),
    };
    QCOMPARE(BodyFormat::assembledText(events),
             u"[thinking]\nWeather? Use the tool.\n\nLet me check.\n\n[tool_use get_weather]\n{\"city\": \"Paris\"}"_s);
}

void TestBodyFormat::assembledText_anthropicError()
{
    const QList<CapturedSseEvent> events{
        sse("content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})"),
        sse("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"Par"}})"),
        sse("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"),
    };
    QCOMPARE(BodyFormat::assembledText(events), u"Par\n\n[error] overloaded_error: Overloaded"_s);
}

void TestBodyFormat::assembledText_openAiStream()
{
    const QList<CapturedSseEvent> events{
        sse("message", R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"),
        sse("message", R"({"choices":[{"index":0,"delta":{"reasoning_content":"Hmm."}}]})"),
        sse("message", R"({"choices":[{"index":0,"delta":{"content":"Bon"}}]})"),
        sse("message", R"({"choices":[{"index":0,"delta":{"content":"jour"}}]})"),
        sse("message",
            R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a\""}}]}}]})"),
        sse("message", R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]})"),
        sse("message", R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"),
        sse("message", "[DONE]"),
    };
    QCOMPARE(BodyFormat::assembledText(events), u"[thinking]\nHmm.\n\nBonjour\n\n[tool_call f]\n{\"a\":1}"_s);
}

void TestBodyFormat::assembledText_ignoresNoise()
{
    QCOMPARE(BodyFormat::assembledText({}), QString());
    const QList<CapturedSseEvent> events{
        sse("content_block_delta", "not json"),
        sse("ping", "{}"),
        sse("message", R"({"choices":[]})"),
    };
    QCOMPARE(BodyFormat::assembledText(events), QString());
}

QTEST_GUILESS_MAIN(TestBodyFormat)
#include "tst_bodyformat.moc"
