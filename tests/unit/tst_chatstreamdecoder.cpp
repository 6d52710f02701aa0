// SPDX-License-Identifier: MIT
#include "backend/openai/chatstreamdecoder.h"
#include "recordingsinks.h"
#include "sse/sseparser.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

class TestChatStreamDecoder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordedStream_decodesTheSameAtEverySplit_data();
    void recordedStream_decodesTheSameAtEverySplit();
    void textStream_reportsTextUsageAndFinish();
    void toolStream_reportsEveryCallWithItsArguments();
    void completion_decodes_data();
    void completion_decodes();
    void finishWithoutDone_completesAtEnd();
    void streamWithoutFinish_failsAtEnd();
    void errorPayload_fails();
    void garbage_fails();
    void reasoning_becomesThinking_data();
    void reasoning_becomesThinking();
    void toolArgumentsBeforeName_areHeld();
};

namespace {

QByteArray fixture(const QString &name)
{
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u"/llama-cpp/" + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("missing fixture %s", qPrintable(name));
    }
    return file.readAll();
}

// Feeds `chunks` through the SSE parser and the decoder, as the backend does with upstream reads.
QByteArrayList decode(const QList<QByteArrayView> &chunks)
{
    RecordingGenerationSink sink;
    ChatStreamDecoder decoder(sink, "fake");
    SseParser parser;
    for (const auto chunk : chunks) {
        parser.feed(chunk, [&](const SseEvent &event) { decoder.decodeEvent(event.data); });
    }
    decoder.end();
    return sink.lines;
}

QByteArrayList decodeCompletion(const QByteArray &json)
{
    RecordingGenerationSink sink;
    ChatStreamDecoder decoder(sink, "fake");
    decoder.decodeCompletion(json);
    return sink.lines;
}

} // namespace

void TestChatStreamDecoder::recordedStream_decodesTheSameAtEverySplit_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<bool>("noisy");
    QTest::addRow("text with usage") << u"07_chat_stream_usage.sse"_s << false;
    QTest::addRow("tool calls") << u"09_chat_tools_required_stream.sse"_s << false;
    QTest::addRow("text with usage, noisy") << u"07_chat_stream_usage.sse"_s << true;
    QTest::addRow("tool calls, noisy") << u"09_chat_tools_required_stream.sse"_s << true;
}

void TestChatStreamDecoder::recordedStream_decodesTheSameAtEverySplit()
{
    QFETCH(QString, fixtureName);
    QFETCH(bool, noisy);
    const QByteArray clean = fixture(fixtureName);
    const QByteArrayList whole = decode({clean});
    // What proxies and servers add around events, all of which SSE says to ignore: comments,
    // fields we do not use, lines with no colon, and CRLF line ends.
    QByteArray stream = clean;
    if (noisy) {
        stream.replace("\n\n", "\r\n: keep-alive\r\nid: 7\r\nretry: 100\r\nnonsense\r\nx-unknown: y\r\n\r\n");
        stream.prepend(": OPENROUTER PROCESSING\r\n\r\n");
    }
    QVERIFY(!whole.isEmpty());
    QVERIFY(whole.last().startsWith("finish"));

    for (qsizetype split = 1; split < stream.size(); ++split) {
        const QByteArrayView view(stream);
        const auto lines = decode({view.first(split), view.sliced(split)});
        if (lines != whole) {
            QFAIL(qPrintable(u"split at byte %1 decoded differently"_s.arg(split)));
        }
    }
    // And one byte per read, the worst a network can do.
    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < stream.size(); ++i) {
        bytes.append(QByteArrayView(stream).sliced(i, 1));
    }
    QCOMPARE(decode(bytes), whole);
}

void TestChatStreamDecoder::textStream_reportsTextUsageAndFinish()
{
    const auto lines = decode({fixture(u"07_chat_stream_usage.sse"_s)});
    QCOMPARE(lines, QByteArrayList({"text  well need had had.", "usage 33 5", "finish max_tokens"}));
}

void TestChatStreamDecoder::toolStream_reportsEveryCallWithItsArguments()
{
    const QByteArray stream = fixture(u"09_chat_tools_required_stream.sse"_s);
    // The expected calls, read from the recording with Qt's JSON (independently of the decoder).
    QMap<int, QByteArray> expectedArguments;
    QMap<int, QByteArray> expectedIds;
    for (const QByteArray &line : stream.split('\n')) {
        if (!line.startsWith("data: {")) {
            continue;
        }
        const auto delta = QJsonDocument::fromJson(line.mid(6)).object()[u"choices"][0][u"delta"].toObject();
        for (const auto call : delta.value(u"tool_calls").toArray()) {
            const int index = call[u"index"].toInt();
            if (call[u"id"].isString()) {
                expectedIds[index] = call[u"id"].toString().toUtf8();
            }
            expectedArguments[index] += call[u"function"][u"arguments"].toString().toUtf8();
        }
    }
    QCOMPARE(expectedArguments.size(), 4);

    const auto lines = decode({stream});
    for (int index = 0; index < 4; ++index) {
        QVERIFY(lines.contains("tool " + QByteArray::number(index) + ' ' + expectedIds[index] + " get_weather"));
        QVERIFY2(lines.contains("args " + QByteArray::number(index) + ' ' + expectedArguments[index]),
                 lines.join('\n').constData());
    }
    QVERIFY(lines.contains("usage 166 150"));
    QCOMPARE(lines.last(), QByteArray("finish max_tokens"));
}

void TestChatStreamDecoder::completion_decodes_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("basic") << u"03_chat_basic.json"_s
                           << QByteArrayList{"text  warm great island mother take put more like.", "usage 19 10",
                                             "finish end_turn"};
    QTest::addRow("stopped") << u"05_chat_stop.json"_s
                             << QByteArrayList{"text  well need had down", "usage 33 5", "finish end_turn"};
    QTest::addRow("length") << u"06_chat_length.json"_s
                            << QByteArrayList{"text  well need had", "usage 33 3", "finish max_tokens"};
}

void TestChatStreamDecoder::completion_decodes()
{
    QFETCH(QString, fixtureName);
    QFETCH(QByteArrayList, expected);
    QCOMPARE(decodeCompletion(fixture(fixtureName)), expected);
}

void TestChatStreamDecoder::finishWithoutDone_completesAtEnd()
{
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    QCOMPARE(decode({stream}), QByteArrayList({"text hi", "finish end_turn"}));
}

void TestChatStreamDecoder::streamWithoutFinish_failsAtEnd()
{
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n";
    const auto lines = decode({stream});
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines.last().startsWith("fail Backend 'fake' ended its stream without finishing"));
}

void TestChatStreamDecoder::errorPayload_fails()
{
    const QByteArray stream =
        "data: {\"error\":{\"code\":500,\"message\":\"out of memory\",\"type\":\"server_error\"}}\n\n";
    QCOMPARE(decode({stream}), QByteArrayList({"fail Backend 'fake' reported an error: out of memory"}));
}

void TestChatStreamDecoder::garbage_fails()
{
    const auto lines = decode({"data: {not json\n\n", "data: [DONE]\n\n"});
    QCOMPARE(lines, QByteArrayList({"fail Backend 'fake' sent a stream event that is not valid JSON"}));
}

void TestChatStreamDecoder::reasoning_becomesThinking_data()
{
    QTest::addColumn<QByteArray>("field");
    QTest::addRow("llama.cpp / vLLM") << QByteArray("reasoning_content");
    QTest::addRow("Ollama / OpenRouter") << QByteArray("reasoning");
}

void TestChatStreamDecoder::reasoning_becomesThinking()
{
    QFETCH(QByteArray, field);
    const QByteArray stream =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"" + field +
        "\":\"let me\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"" +
        field +
        "\":\" think\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    QCOMPARE(decode({stream}), QByteArrayList({"thinking let me think", "text 42", "finish end_turn"}));
}

void TestChatStreamDecoder::toolArgumentsBeforeName_areHeld()
{
    const QByteArray stream = "data: "
                              "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{"
                              "\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\n"
                              "data: "
                              "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                              "\"function\":{\"name\":\"f\",\"arguments\":\":1}\"}}]}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                              "data: [DONE]\n\n";
    QCOMPARE(decode({stream}), QByteArrayList({"tool 0 c1 f", "args 0 {\"a\":1}", "finish tool_use"}));
}

QTEST_GUILESS_MAIN(TestChatStreamDecoder)
#include "tst_chatstreamdecoder.moc"
