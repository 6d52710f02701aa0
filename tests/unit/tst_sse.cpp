// SPDX-License-Identifier: MIT
#include "sse/sseeventencoder.h"
#include "sse/sseparser.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;

// The backend-side parser and the client-side encoder of Server-Sent Events.
class TestSse final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parser_readsEvents_data();
    void parser_readsEvents();
    void parser_givesTheSameEventsAtEverySplit();
    void parser_refusesOversizedEvents();
    void parser_reportsAnUnfinishedEvent();
    void encoder_spellsEveryEvent_data();
    void encoder_spellsEveryEvent();
};

namespace {

QByteArrayList parse(QByteArrayView input, SseParser &parser)
{
    QByteArrayList events;
    parser.feed(input, [&](const SseEvent &event) { events.append(event.name + '|' + event.data); });
    return events;
}

} // namespace

void TestSse::parser_readsEvents_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("events");

    QTest::addRow("data only") << QByteArray("data: {\"a\":1}\n\n") << QByteArrayList{"|{\"a\":1}"};
    QTest::addRow("named") << QByteArray("event: ping\ndata: {}\n\n") << QByteArrayList{"ping|{}"};
    QTest::addRow("crlf") << QByteArray("event: x\r\ndata: 1\r\n\r\n") << QByteArrayList{"x|1"};
    QTest::addRow("bare cr") << QByteArray("event: x\rdata: 1\r\r") << QByteArrayList{"x|1"};
    QTest::addRow("multi-line data") << QByteArray("data: a\ndata: b\n\n") << QByteArrayList{"|a\nb"};
    QTest::addRow("no space after colon") << QByteArray("data:x\n\n") << QByteArrayList{"|x"};
    QTest::addRow("two spaces keep one") << QByteArray("data:  x\n\n") << QByteArrayList{"| x"};
    QTest::addRow("comments are skipped") << QByteArray(": keep-alive\n\ndata: 1\n\n") << QByteArrayList{"|1"};
    QTest::addRow("unknown fields are skipped") << QByteArray("id: 7\nretry: 10\ndata: 1\n\n") << QByteArrayList{"|1"};
    QTest::addRow("no data, no event") << QByteArray("event: x\n\n") << QByteArrayList{};
    QTest::addRow("several") << QByteArray("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n")
                             << QByteArrayList{"|1", "|2", "|[DONE]"};
    QTest::addRow("incomplete last event") << QByteArray("data: 1\n\ndata: 2\n") << QByteArrayList{"|1"};
}

void TestSse::parser_readsEvents()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, events);
    SseParser parser;
    QCOMPARE(parse(input, parser), events);
}

void TestSse::parser_givesTheSameEventsAtEverySplit()
{
    const QByteArray input = "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
                             ": comment\n\nevent: delta\rdata: a\rdata: b\r\rdata: \xc3\xa9t\xc3\xa9\n\n";
    SseParser whole;
    const auto expected = parse(input, whole);
    QCOMPARE(expected.size(), 3);
    for (qsizetype split = 0; split <= input.size(); ++split) {
        SseParser parser;
        QByteArrayList events = parse(QByteArrayView(input).first(split), parser);
        events += parse(QByteArrayView(input).sliced(split), parser);
        QVERIFY2(events == expected, qPrintable(QStringLiteral("split at %1").arg(split)));
    }
}

void TestSse::parser_refusesOversizedEvents()
{
    SseParser parser(1024);
    const QByteArray oversized = "data: " + QByteArray(2000, 'x');
    QVERIFY(!parser.feed(oversized, [](const SseEvent &) {}));
    QVERIFY(parser.failed());
    QVERIFY(!parser.feed("\n\n", [](const SseEvent &) { QFAIL("no event after failure"); }));

    SseParser lines(1024);
    QByteArray many;
    for (int i = 0; i < 200; ++i) {
        many += "data: 0123456789\n";
    }
    QVERIFY(!lines.feed(many, [](const SseEvent &) {}));
}

void TestSse::parser_reportsAnUnfinishedEvent()
{
    SseParser parser;
    parse("data: 1\n\n", parser);
    QVERIFY(!parser.hasPendingData());
    parse("data: 2", parser);
    QVERIFY(parser.hasPendingData());
}

void TestSse::encoder_spellsEveryEvent_data()
{
    QTest::addColumn<int>("event");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("message_start")
        << 0
        << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
                      "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\",\"stop_reason\":null,"
                      "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,"
                      "\"cache_read_input_tokens\":0,\"output_tokens\":0}}}\n\n");
    QTest::addRow("text block start")
        << 1
        << QByteArray("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    QTest::addRow("thinking block start")
        << 2
        << QByteArray("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,"
                      "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n");
    QTest::addRow("tool block start")
        << 3
        << QByteArray("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,"
                      "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n");
    QTest::addRow("text delta escaped")
        << 4
        << QByteArray("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
                      "\"type\":\"text_delta\",\"text\":\"a\\\"b\\n\\u0001\xc3\xa9\"}}\n\n");
    QTest::addRow("input json delta")
        << 5
        << QByteArray("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{"
                      "\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n");
    QTest::addRow("block stop") << 6
                                << QByteArray("event: content_block_stop\ndata: {\"type\":\"content_block_stop\","
                                              "\"index\":0}\n\n");
    QTest::addRow("message delta with sequence")
        << 7
        << QByteArray("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                      "\"stop_sequence\",\"stop_sequence\":\"END\"},\"usage\":{\"input_tokens\":12,"
                      "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":7}}\n\n");
    QTest::addRow("message delta without sequence")
        << 8
        << QByteArray("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                      "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":12,"
                      "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":7}}\n\n");
    QTest::addRow("message stop") << 9 << QByteArray("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    QTest::addRow("ping") << 10 << QByteArray("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    QTest::addRow("error")
        << 11
        << QByteArray("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                      "\"busy\"},\"request_id\":\"req_1\"}\n\n");
}

void TestSse::encoder_spellsEveryEvent()
{
    QFETCH(int, event);
    QFETCH(QByteArray, expected);
    QByteArray out;
    SseEventEncoder encoder(out, "req_1");
    const Usage usage{12, 7, 0, 0};
    switch (event) {
    case 0:
        encoder.messageStart(MessageHeader{"msg_1", "m", Usage{12, 0, 0, 0}});
        break;
    case 1:
        encoder.contentBlockStart(0, BlockHeader{BlockKind::Text, {}, {}, {}});
        break;
    case 2:
        encoder.contentBlockStart(1, BlockHeader{BlockKind::Thinking, {}, {}, {}});
        break;
    case 3:
        encoder.contentBlockStart(2, BlockHeader{BlockKind::ToolUse, "toolu_1", "f", {}});
        break;
    case 4:
        encoder.contentBlockDelta(0, DeltaKind::Text, "a\"b\n\x01\xc3\xa9");
        break;
    case 5:
        encoder.contentBlockDelta(2, DeltaKind::InputJson, "{\"a\":");
        break;
    case 6:
        encoder.contentBlockStop(0);
        break;
    case 7:
        encoder.messageDelta(StopReason::StopSequence, "END", usage);
        break;
    case 8:
        encoder.messageDelta(StopReason::EndTurn, {}, usage);
        break;
    case 9:
        encoder.messageStop();
        break;
    case 10:
        encoder.ping();
        break;
    case 11:
        encoder.error(ApiError::overloaded("busy"));
        break;
    }
    QCOMPARE(out, expected);
}

QTEST_GUILESS_MAIN(TestSse)
#include "tst_sse.moc"
