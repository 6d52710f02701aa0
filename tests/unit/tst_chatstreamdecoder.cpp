// SPDX-License-Identifier: MIT
#include "backend/openai/chatstreamdecoder.h"
#include "recordingsinks.h"
#include "reply/messageassembler.h"
#include "reply/replyshaper.h"
#include "sse/sseparser.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
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
    void toolArgumentObjectAfterName_isPassedOn();
    void parallelToolCalls_eachGetTheirWholeInput_data();
    void parallelToolCalls_eachGetTheirWholeInput();
    void usage_readsEverySource_data();
    void usage_readsEverySource();
    void usage_isChecked_data();
    void usage_isChecked();
    void usage_warnsOncePerAnswer();
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

// A one-word answer whose figures are `usageFields` (e.g. `"usage":{...}`), as a JSON completion.
QByteArray completionWith(const QByteArray &usageFields)
{
    return R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}])" +
           (usageFields.isEmpty() ? QByteArray() : ',' + usageFields) + '}';
}

// The same answer as a stream, its figures in the last chunk (as include_usage and llama.cpp's
// timings put them).
QByteArray streamWith(const QByteArray &usageFields)
{
    return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
           "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
           "data: {\"choices\":[]" +
           (usageFields.isEmpty() ? QByteArray() : ',' + usageFields) +
           "}\n\n"
           "data: [DONE]\n\n";
}

QByteArrayList answerWith(const QByteArray &usageLine)
{
    QByteArrayList lines{"text hi"};
    if (!usageLine.isEmpty()) {
        lines.append(usageLine);
    }
    lines.append("finish end_turn");
    return lines;
}

// One streamed chunk of tool-call deltas: each entry is {index, name or "", arguments or ""}; a
// second entry makes a chunk with two calls in it, as some servers send them.
struct CallDelta
{
    int index;
    QString name;
    QString arguments;
};

QByteArray toolChunk(const QList<CallDelta> &calls)
{
    QJsonArray toolCalls;
    for (const CallDelta &call : calls) {
        QJsonObject function;
        if (!call.name.isEmpty()) {
            function[u"name"] = call.name;
        }
        function[u"arguments"] = call.arguments;
        QJsonObject delta{{u"index"_s, call.index}, {u"function"_s, function}};
        if (!call.name.isEmpty()) {
            delta[u"id"] = QString(u"call_"_s + QString::number(call.index));
            delta[u"type"] = u"function"_s;
        }
        toolCalls.append(delta);
    }
    const QJsonObject chunk{
        {u"choices"_s,
         QJsonArray{QJsonObject{{u"index"_s, 0}, {u"delta"_s, QJsonObject{{u"tool_calls"_s, toolCalls}}}}}}};
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray toolStream(const QList<QList<CallDelta>> &chunks)
{
    QByteArray stream;
    for (const auto &chunk : chunks) {
        stream += toolChunk(chunk);
    }
    return stream + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                    "data: [DONE]\n\n";
}

// Every tool_use block of a stream as "name INPUT" (input_json_deltas joined, then reparsed and
// written compactly), checking the grammar on the way: indices 0, 1, 2..., one block open at a
// time, each stopped before the message ends. Empty when the grammar was broken.
QByteArrayList streamedCalls(const QByteArrayList &events)
{
    QByteArrayList calls;
    int open = -1;
    int next = 0;
    for (const QByteArray &line : events) {
        const QByteArrayList words = line.split(' ');
        if (words[0] == "block_start") {
            if (open != -1 || words[1].toInt() != next) {
                return {};
            }
            open = next++;
            calls.append(words[4] + ' ');
        } else if (words[0] == "delta") {
            if (words[1].toInt() != open) {
                return {};
            }
            calls.last() += line.mid(line.indexOf(" json ") + 6);
        } else if (words[0] == "block_stop") {
            if (words[1].toInt() != open) {
                return {};
            }
            open = -1;
        } else if (words[0] == "message_delta" && open != -1) {
            return {};
        }
    }
    for (QByteArray &call : calls) {
        const qsizetype space = call.indexOf(' ');
        const QJsonDocument input = QJsonDocument::fromJson(call.mid(space + 1));
        call = call.left(space + 1) + (input.isObject() ? input.toJson(QJsonDocument::Compact) : "INVALID");
    }
    return calls;
}

QByteArrayList answeredCalls(const QByteArray &message)
{
    QByteArrayList calls;
    for (const auto block : QJsonDocument::fromJson(message).object()[u"content"].toArray()) {
        calls.append(block[u"name"].toString().toUtf8() + ' ' +
                     QJsonDocument(block[u"input"].toObject()).toJson(QJsonDocument::Compact));
    }
    return calls;
}

// Decodes `stream` into a ReplyShaper writing to `out`, as the OpenAI backend does.
void shape(const QByteArray &stream, MessageEventSink &out)
{
    ReplyShaper shaper(ReplyShaper::Options{"msg_1", "m", {}, 1}, out, {});
    ChatStreamDecoder decoder(shaper, "fake");
    SseParser parser;
    parser.feed(stream, [&](const SseEvent &event) { decoder.decodeEvent(event.data); });
    decoder.end();
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
    QCOMPARE(lines, QByteArrayList({"text  well need had had.", "usage 6 5 27", "finish max_tokens"}));
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
    QVERIFY(lines.contains("usage 7 150 159"));
    QCOMPARE(lines.last(), QByteArray("finish max_tokens"));
}

void TestChatStreamDecoder::completion_decodes_data()
{
    QTest::addColumn<QString>("fixtureName");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("basic") << u"03_chat_basic.json"_s
                           << QByteArrayList{"text  warm great island mother take put more like.", "usage 14 10 5",
                                             "finish end_turn"};
    QTest::addRow("stopped") << u"05_chat_stop.json"_s
                             << QByteArrayList{"text  well need had down", "usage 1 5 32", "finish end_turn"};
    QTest::addRow("length") << u"06_chat_length.json"_s
                            << QByteArrayList{"text  well need had", "usage 1 3 32", "finish max_tokens"};
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

void TestChatStreamDecoder::usage_readsEverySource_data()
{
    // Every row describes one answer's prompt of 33 tokens, 27 of them from the engine's cache, and
    // 5 output tokens, the way one kind of server says it. The sink hears "usage INPUT OUTPUT CACHED".
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("OpenAI / vLLM: prompt_tokens_details")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38,)"
                      R"("prompt_tokens_details":{"cached_tokens":27}})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("vLLM without details")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,"prompt_tokens_details":null})")
        << QByteArray("usage 33 5 0");
    QTest::addRow("DeepSeek: hit and miss")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38,)"
                      R"("prompt_cache_hit_tokens":27,"prompt_cache_miss_tokens":6})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("DeepSeek: hit and miss, no prompt_tokens")
        << QByteArray(R"("usage":{"completion_tokens":5,"prompt_cache_hit_tokens":27,"prompt_cache_miss_tokens":6})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("llama.cpp since 2026-02: details and timings")
        << QByteArray(R"("usage":{"completion_tokens":5,"prompt_tokens":33,"total_tokens":38,)"
                      R"("prompt_tokens_details":{"cached_tokens":27}},)"
                      R"("timings":{"cache_n":27,"prompt_n":6,"prompt_ms":1.29,"predicted_n":5,"predicted_ms":4.0})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("llama.cpp 2025-09 to 2026-02: timings.cache_n, no details")
        << QByteArray(R"("usage":{"completion_tokens":5,"prompt_tokens":33,"total_tokens":38},)"
                      R"("timings":{"cache_n":27,"prompt_n":6,"predicted_n":5})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("llama.cpp before 2025-09: timings.prompt_n only")
        << QByteArray(R"("usage":{"completion_tokens":5,"prompt_tokens":33,"total_tokens":38},)"
                      R"("timings":{"prompt_n":6,"predicted_n":5})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("llama.cpp timings without usage (no include_usage)")
        << QByteArray(R"("timings":{"cache_n":27,"prompt_n":6,"predicted_n":5})") << QByteArray("usage 6 5 27");
    QTest::addRow("llama.cpp timings first, usage after")
        << QByteArray(
               R"("timings":{"cache_n":27,"prompt_n":6,"predicted_n":5},)"
               R"("usage":{"completion_tokens":5,"prompt_tokens":33,"prompt_tokens_details":{"cached_tokens":27}})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("Ollama since 2026-08: cached_tokens")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38,)"
                      R"("prompt_tokens_details":{"cached_tokens":27}})")
        << QByteArray("usage 6 5 27");
    QTest::addRow("Ollama before: the whole prompt, nothing of the cache")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38})")
        << QByteArray("usage 33 5 0");
    QTest::addRow("output only") << QByteArray(R"("usage":{"completion_tokens":5})") << QByteArray("usage ? 5 ?");
    QTest::addRow("none") << QByteArray() << QByteArray();
    QTest::addRow("usage null") << QByteArray(R"("usage":null)") << QByteArray();
}

void TestChatStreamDecoder::usage_readsEverySource()
{
    QFETCH(QByteArray, fields);
    QFETCH(QByteArray, expected);
    QTest::failOnWarning(QRegularExpression(u".*"_s)); // good figures are not a problem
    QCOMPARE(decodeCompletion(completionWith(fields)), answerWith(expected));
    QCOMPARE(decode({streamWith(fields)}), answerWith(expected));
}

void TestChatStreamDecoder::usage_isChecked_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QString>("problem");

    QTest::addRow("negative prompt") << QByteArray(R"("usage":{"prompt_tokens":-5,"completion_tokens":5})")
                                     << QByteArray("usage ? 5 ?") << u"prompt -5 is negative; dropped"_s;
    QTest::addRow("prompt beyond INT_MAX")
        << QByteArray(R"("usage":{"prompt_tokens":2147483658,"completion_tokens":5})") << QByteArray("usage ? 5 ?")
        << u"prompt 2147483658 is too large; dropped"_s;
    QTest::addRow("output beyond 64 bits")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":18446744073709551615})")
        << QByteArray("usage 33 ? 0") << u"output 9223372036854775807 is too large; dropped"_s;
    QTest::addRow("output beyond any integer")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":1e300})") << QByteArray("usage 33 ? 0")
        << u"output 9000000000000000000 is too large; dropped"_s;
    QTest::addRow("negative output") << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":-1})")
                                     << QByteArray("usage 33 ? 0") << u"output -1 is negative; dropped"_s;
    QTest::addRow("cached more than the prompt")
        << QByteArray(
               R"("usage":{"prompt_tokens":33,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":40}})")
        << QByteArray("usage 0 5 33") << u"cached 40 exceeds the prompt's 33; clamped"_s;
    QTest::addRow("negative cached")
        << QByteArray(
               R"("usage":{"prompt_tokens":33,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":-5}})")
        << QByteArray("usage 33 5 0") << u"cached -5 is negative; dropped"_s;
    QTest::addRow("cached beyond INT_MAX")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5,)"
                      R"("prompt_tokens_details":{"cached_tokens":2147483658}})")
        << QByteArray("usage 33 5 0") << u"cached 2147483658 is too large; dropped"_s;
    QTest::addRow("timings whose sum passes INT_MAX")
        << QByteArray(R"("timings":{"cache_n":2147483000,"prompt_n":2147483000,"predicted_n":5})")
        << QByteArray("usage ? 5 ?") << u"prompt (cached + evaluated) 4294966000 is too large; dropped"_s;
    QTest::addRow("evaluated more than the prompt")
        << QByteArray(R"("usage":{"prompt_tokens":33,"completion_tokens":5},"timings":{"prompt_n":40})")
        << QByteArray("usage 33 5 0") << u"evaluated 40 exceeds the prompt's 33; ignored"_s;
    QTest::addRow("a prompt of 0: Ollama before mid-2024 on a full cache hit")
        << QByteArray(R"("usage":{"prompt_tokens":0,"completion_tokens":5,"total_tokens":5})")
        << QByteArray("usage ? 5 ?") << u"prompt 0 is not a count; dropped"_s;
    QTest::addRow("nothing left") << QByteArray(R"("usage":{"prompt_tokens":-1,"completion_tokens":-1})")
                                  << QByteArray()
                                  << u"prompt -1 is negative; dropped; output -1 is negative; dropped"_s;
}

void TestChatStreamDecoder::usage_isChecked()
{
    QFETCH(QByteArray, fields);
    QFETCH(QByteArray, expected);
    QFETCH(QString, problem);
    const QString warning = u"Backend 'fake' reported usage that cannot be right: "_s + problem;
    QTest::ignoreMessage(QtWarningMsg, qPrintable(warning));
    QCOMPARE(decodeCompletion(completionWith(fields)), answerWith(expected));
    QTest::ignoreMessage(QtWarningMsg, qPrintable(warning));
    QCOMPARE(decode({streamWith(fields)}), answerWith(expected));
}

void TestChatStreamDecoder::usage_warnsOncePerAnswer()
{
    // llama.cpp's timings_per_token repeats the figures in every chunk: one warning for the answer.
    const QByteArray chunk = R"(data: {"choices":[{"index":0,"delta":{"content":"a"}}],"timings":{"cache_n":-1}})"
                             "\n\n";
    const QByteArray stream = chunk + chunk + chunk +
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                              "data: [DONE]\n\n";
    QTest::ignoreMessage(QtWarningMsg,
                         "Backend 'fake' reported usage that cannot be right: cached -1 is negative; dropped");
    QTest::failOnWarning(QRegularExpression(u".*"_s));
    QCOMPARE(decode({stream}), QByteArrayList({"text aaa", "finish end_turn"}));
}

QTEST_GUILESS_MAIN(TestChatStreamDecoder)
#include "tst_chatstreamdecoder.moc"

void TestChatStreamDecoder::toolArgumentObjectAfterName_isPassedOn()
{
    // Servers that send arguments as an object rather than a JSON string, in a chunk of their own.
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                              "\"function\":{\"name\":\"f\"}}]}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{"
                              "\"arguments\":{\"a\":1}}}]}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n";
    QCOMPARE(decode({stream}), QByteArrayList({"tool 0 c1 f", "args 0 {\"a\":1}", "finish tool_use"}));
}

void TestChatStreamDecoder::parallelToolCalls_eachGetTheirWholeInput_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QByteArrayList>("calls"); // "name INPUT" in block order, INPUT compact

    const QString weather = uR"({"city":"Paris","days":3})"_s;
    const QString time = uR"({"zone":"Europe/Paris"})"_s;
    const QString search = uR"({"q":"a}\"]{b","n":[1,{"x":[]}]})"_s;
    const QByteArrayList weatherAndTime{R"(weather {"city":"Paris","days":3})", R"(time {"zone":"Europe/Paris"})"};

    QTest::addRow("in order") << toolStream({{{0, u"weather"_s, weather}}, {{1, u"time"_s, time}}}) << weatherAndTime;
    QTest::addRow("interleaved, two calls")
        << toolStream({{{0, u"weather"_s, {}}}, {{1, u"time"_s, {}}}, {{0, {}, weather}}, {{1, {}, time}}})
        << weatherAndTime;
    QTest::addRow("interleaved, both calls in each chunk")
        << toolStream({{{0, u"weather"_s, {}}, {1, u"time"_s, {}}},
                       {{0, {}, weather.left(10)}, {1, {}, time.left(3)}},
                       {{0, {}, weather.mid(10)}, {1, {}, time.mid(3)}}})
        << weatherAndTime;
    QTest::addRow("interleaved, three calls")
        << toolStream({{{0, u"weather"_s, {}}},
                       {{1, u"time"_s, {}}},
                       {{2, u"search"_s, {}}},
                       {{0, {}, weather.left(7)}},
                       {{1, {}, time.left(7)}},
                       {{2, {}, search.left(7)}},
                       {{2, {}, search.mid(7)}},
                       {{0, {}, weather.mid(7)}},
                       {{1, {}, time.mid(7)}}})
        << QByteArrayList{weatherAndTime[0], weatherAndTime[1], R"(search {"n":[1,{"x":[]}],"q":"a}\"]{b"})"};
    QTest::addRow("arguments before the name") << toolStream({{{0, u"weather"_s, {}}},
                                                              {{1, {}, time.left(5)}},
                                                              {{0, {}, weather.left(5)}},
                                                              {{1, u"time"_s, time.mid(5)}},
                                                              {{0, {}, weather.mid(5)}}})
                                               << weatherAndTime;
    QList<QList<CallDelta>> bytewise{{{0, u"weather"_s, {}}}, {{1, u"search"_s, {}}}};
    for (qsizetype i = 0; i < std::max(weather.size(), search.size()); ++i) {
        if (i < weather.size()) {
            bytewise.append({{0, {}, weather.mid(i, 1)}});
        }
        if (i < search.size()) {
            bytewise.append({{1, {}, search.mid(i, 1)}});
        }
    }
    QTest::addRow("split across many chunks, interleaved")
        << toolStream(bytewise) << QByteArrayList{weatherAndTime[0], R"(search {"n":[1,{"x":[]}],"q":"a}\"]{b"})"};
}

void TestChatStreamDecoder::parallelToolCalls_eachGetTheirWholeInput()
{
    QFETCH(QByteArray, stream);
    QFETCH(QByteArrayList, calls);

    RecordingEventSink events;
    shape(stream, events);
    QVERIFY2(events.lines.last() == "message_stop", events.lines.join('\n').constData());
    QCOMPARE(streamedCalls(events.lines), calls);

    MessageAssembler assembler;
    shape(stream, assembler);
    QVERIFY(assembler.isComplete());
    QCOMPARE(answeredCalls(assembler.toJson()), calls);
}
