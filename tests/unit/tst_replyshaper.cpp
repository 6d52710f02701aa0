// SPDX-License-Identifier: MIT
#include "api/ids.h"
#include "recordingsinks.h"
#include "reply/messageassembler.h"
#include "reply/replyshaper.h"
#include "reply/stopsequencematcher.h"
#include "reply/thinkingsignature.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

#include <algorithm>

using namespace Switchboard::Core;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

using UsageReports = QList<UsageReport>;
Q_DECLARE_METATYPE(UsageReport)

// Stop-sequence matching and the event grammar every backend's output is shaped into.
class TestReplyShaper final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matcher_findsTheFirstSequence_data();
    void matcher_findsTheFirstSequence();
    void matcher_holdsBackOnlyWhatCouldMatch();
    void matcher_findsASequenceAtEverySplit();
    void shaper_textReply();
    void shaper_skipsEmptyDeltas();
    void shaper_stopSequenceAcrossChunks_stopsTheBackend();
    void shaper_toolCallMakesStopReasonToolUse();
    void shaper_blocksOpenOneAtATime();
    void shaper_signsThinkingTheBackendDidNotSign();
    void shaper_omitsThinkingTextWhenAsked();
    void shaper_failureBeforeOutput_isAnError();
    void shaper_failureAfterOutput_endsWithErrorNotStop();
    void shaper_usesEstimateUntilTheBackendCounts();
    void assembler_buildsAMessage();
    void assembler_repairsBrokenToolInput();
    void shaper_carriesTheBackendsUsage_data();
    void shaper_carriesTheBackendsUsage();
    void shaper_derivesToolUseIds_data();
    void shaper_derivesToolUseIds();
    void shaper_keepsTheBackendsToolUseId();
    void shaper_givesEveryToolCallItsWholeInput_data();
    void shaper_givesEveryToolCallItsWholeInput();
    void shaper_inOrderToolCalls_streamAsTheyCome();
    void shaper_heldCallOpensAtTheOpenCallsLastByte_data();
    void shaper_heldCallOpensAtTheOpenCallsLastByte();
    void shaper_toolCallCutOff_staysWellFormed();
};

namespace {

// Checks `lines` (a RecordingEventSink's) follow the grammar — one block open at a time, indices
// 0, 1, 2..., every block stopped before message_delta — and returns each tool_use block as
// "name INPUT", its input_json_deltas joined. Fails the test (returns early) otherwise.
QByteArrayList toolBlocksOf(const QByteArrayList &lines)
{
    QByteArrayList blocks;
    int open = -1;
    int next = 0;
    bool ended = false;
    for (const QByteArray &line : lines) {
        const QByteArrayList words = line.split(' ');
        if (words[0] == "block_start") {
            if (open != -1 || words[1].toInt() != next || ended) {
                qWarning("block started out of turn: %s", line.constData());
                return {};
            }
            open = next++;
            blocks.append(words[2] == "tool_use" ? words[4] + ' ' : QByteArray("-"));
        } else if (words[0] == "delta") {
            if (words[1].toInt() != open) {
                qWarning("delta outside its block: %s", line.constData());
                return {};
            }
            if (words[2] == "json") {
                blocks.last() += line.mid(words[0].size() + words[1].size() + words[2].size() + 3);
            }
        } else if (words[0] == "block_stop") {
            if (words[1].toInt() != open) {
                qWarning("stop of a block that is not open: %s", line.constData());
                return {};
            }
            open = -1;
        } else if (words[0] == "message_delta") {
            if (open != -1) {
                qWarning("message ended with block %d open", open);
                return {};
            }
            ended = true;
        }
    }
    if (!ended) {
        qWarning("the message never ended");
        return {};
    }
    blocks.removeAll("-");
    return blocks;
}

// "name INPUT" with INPUT reparsed and written compactly: equal when the JSON is, however spaced.
QByteArray normalizedCall(const QByteArray &call)
{
    const qsizetype space = call.indexOf(' ');
    QJsonParseError error{};
    const QJsonDocument input = QJsonDocument::fromJson(call.mid(space + 1), &error);
    if (error.error != QJsonParseError::NoError || !input.isObject()) {
        return call.left(space) + " INVALID " + call.mid(space + 1);
    }
    return call.left(space + 1) + input.toJson(QJsonDocument::Compact);
}

// Runs a script of generation calls: "name INDEX NAME", "args INDEX FRAGMENT", "text TEXT".
void play(ReplyShaper &shaper, const QByteArrayList &script)
{
    for (const QByteArray &step : script) {
        const qsizetype first = step.indexOf(' ');
        const qsizetype second = step.indexOf(' ', first + 1);
        const QByteArray verb = step.left(first);
        if (verb == "text") {
            shaper.textDelta(step.mid(first + 1));
        } else if (verb == "name") {
            const QByteArray name = step.mid(second + 1);
            shaper.toolCallStart(step.mid(first + 1, second - first - 1).toInt(), QByteArray("id_" + name), name);
        } else {
            shaper.toolCallArguments(step.mid(first + 1, second - first - 1).toInt(), step.mid(second + 1));
        }
    }
}

// Each byte of `arguments` as its own fragment for call `index`.
QByteArrayList bytewise(int index, const QByteArray &arguments)
{
    QByteArrayList steps;
    for (const char c : arguments) {
        steps.append("args " + QByteArray::number(index) + ' ' + c);
    }
    return steps;
}

// Two calls' fragments alternating, one byte each, until both are out.
QByteArrayList alternating(const QByteArrayList &first, const QByteArrayList &second)
{
    QByteArrayList steps;
    for (qsizetype i = 0; i < std::max(first.size(), second.size()); ++i) {
        if (i < first.size()) {
            steps.append(first[i]);
        }
        if (i < second.size()) {
            steps.append(second[i]);
        }
    }
    return steps;
}

struct Step
{
    QByteArrayList emitted;
    int matched = -1;
};

Step feedAll(StopSequenceMatcher &matcher, const QByteArrayList &chunks)
{
    Step result;
    for (const auto &chunk : chunks) {
        const auto step = matcher.feed(chunk);
        if (!step.text.isEmpty()) {
            result.emitted.append(step.text);
        }
        if (step.matchedSequence >= 0) {
            result.matched = step.matchedSequence;
            return result;
        }
    }
    const QByteArray rest = matcher.flush();
    if (!rest.isEmpty()) {
        result.emitted.append(rest);
    }
    return result;
}

ReplyShaper::Options options(std::vector<QByteArray> stops = {})
{
    return ReplyShaper::Options{"msg_1", "client-model", std::move(stops), 42};
}

} // namespace

void TestReplyShaper::matcher_findsTheFirstSequence_data()
{
    QTest::addColumn<QByteArrayList>("sequences");
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("matched");

    QTest::addRow("no sequences") << QByteArrayList{} << QByteArrayList{"a", "b"} << QByteArray("ab") << -1;
    QTest::addRow("no match") << QByteArrayList{"END"} << QByteArrayList{"hello ", "world"} << QByteArray("hello world")
                              << -1;
    QTest::addRow("match inside a chunk")
        << QByteArrayList{"END"} << QByteArrayList{"one END two"} << QByteArray("one ") << 0;
    QTest::addRow("match across chunks") << QByteArrayList{"END"} << QByteArrayList{"one E", "N", "D two"}
                                         << QByteArray("one ") << 0;
    QTest::addRow("match at the start") << QByteArrayList{"END"} << QByteArrayList{"END"} << QByteArray() << 0;
    QTest::addRow("held prefix that does not match is released")
        << QByteArrayList{"END"} << QByteArrayList{"EN", "X"} << QByteArray("ENX") << -1;
    QTest::addRow("the sequence completed first wins")
        << QByteArrayList{"abc", "b"} << QByteArrayList{"xabc"} << QByteArray("xa") << 1;
    QTest::addRow("same end: the longer one")
        << QByteArrayList{"b", "ab"} << QByteArrayList{"xab"} << QByteArray("x") << 1;
    QTest::addRow("newlines") << QByteArrayList{"\n\nHuman:"} << QByteArrayList{"Sure.\n", "\nHum", "an: hi"}
                              << QByteArray("Sure.") << 0;
    QTest::addRow("multibyte text") << QByteArrayList{"\xc3\xa9t\xc3\xa9"}
                                    << QByteArrayList{"un \xc3\xa9", "t\xc3\xa9 chaud"} << QByteArray("un ") << 0;
}

void TestReplyShaper::matcher_findsTheFirstSequence()
{
    QFETCH(QByteArrayList, sequences);
    QFETCH(QByteArrayList, chunks);
    QFETCH(QByteArray, text);
    QFETCH(int, matched);
    StopSequenceMatcher matcher(std::vector<QByteArray>(sequences.begin(), sequences.end()));
    const auto result = feedAll(matcher, chunks);
    QCOMPARE(result.emitted.join(), text);
    QCOMPARE(result.matched, matched);
}

void TestReplyShaper::matcher_holdsBackOnlyWhatCouldMatch()
{
    StopSequenceMatcher matcher({"STOP"});
    QCOMPARE(matcher.feed("hello S").text, QByteArray("hello "));
    QCOMPARE(matcher.feed("T").text, QByteArray());
    QCOMPARE(matcher.feed("x").text, QByteArray("STx"));
    QCOMPARE(matcher.feed("plain").text, QByteArray("plain"));
}

void TestReplyShaper::matcher_findsASequenceAtEverySplit()
{
    const QByteArray text = "The answer is 42.\n\nHuman: thanks";
    for (qsizetype a = 1; a < text.size(); ++a) {
        for (qsizetype b = a + 1; b < text.size(); b += 3) {
            StopSequenceMatcher matcher({"\n\nHuman:", "zzz"});
            const auto result = feedAll(matcher, {text.left(a), text.mid(a, b - a), text.mid(b)});
            QCOMPARE(result.emitted.join(), QByteArray("The answer is 42."));
            QCOMPARE(result.matched, 0);
        }
    }
}

void TestReplyShaper::shaper_textReply()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.textDelta("Hel");
    shaper.textDelta("lo");
    shaper.usage(UsageReport{33, 2});
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(out.lines,
             QByteArrayList({"message_start client-model in=42", "block_start 0 text", "delta 0 text Hel",
                             "delta 0 text lo", "block_stop 0", "message_delta end_turn in=33 out=2", "message_stop"}));
}

void TestReplyShaper::shaper_skipsEmptyDeltas()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.textDelta("");
    shaper.toolCallStart(0, "call_1", "f");
    shaper.toolCallArguments(0, "");
    shaper.toolCallArguments(0, "{}");
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(out.lines,
             QByteArrayList({"message_start client-model in=42", "block_start 0 tool_use call_1 f", "delta 0 json {}",
                             "block_stop 0", "message_delta tool_use in=42 out=1", "message_stop"}));
}

void TestReplyShaper::shaper_stopSequenceAcrossChunks_stopsTheBackend()
{
    RecordingEventSink out;
    int stops = 0;
    ReplyShaper shaper(options({"STOP"}), out, [&] { ++stops; });
    shaper.textDelta("one ST");
    shaper.textDelta("OP two");
    shaper.textDelta("three"); // a backend that has not noticed yet
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(stops, 1);
    QVERIFY(shaper.isFinished());
    QCOMPARE(out.lines,
             QByteArrayList({"message_start client-model in=42", "block_start 0 text", "delta 0 text one ",
                             "block_stop 0", "message_delta stop_sequence seq=STOP in=42 out=2", "message_stop"}));
}

void TestReplyShaper::shaper_toolCallMakesStopReasonToolUse()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.textDelta("checking");
    shaper.toolCallStart(0, "", "get_weather");
    shaper.toolCallArguments(0, "{\"city\":");
    shaper.toolCallArguments(0, "\"Paris\"}");
    shaper.finished(StopReason::EndTurn); // Ollama says "stop" after tool calls
    QCOMPARE(out.lines.size(), 10);
    QVERIFY(out.lines[4].startsWith("block_start 1 tool_use toolu_01")); // an id is made when the backend has none
    QCOMPARE(out.lines[8], QByteArray("message_delta tool_use in=42 out=3"));
}

void TestReplyShaper::shaper_blocksOpenOneAtATime()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.thinkingDelta("hmm");
    shaper.thinkingSignature("sig");
    shaper.textDelta("a");
    shaper.toolCallStart(0, "t1", "f");
    shaper.toolCallStart(1, "t2", "g");          // held: call 0 has no arguments yet
    shaper.toolCallArguments(0, "{\"late\":1}"); // completes call 0, so call 1 opens
    shaper.toolCallArguments(1, "{}");
    shaper.textDelta("b");
    shaper.finished(StopReason::ToolUse);
    QCOMPARE(out.lines,
             QByteArrayList({"message_start client-model in=42", "block_start 0 thinking", "delta 0 thinking hmm",
                             "delta 0 signature sig", "block_stop 0", "block_start 1 text", "delta 1 text a",
                             "block_stop 1", "block_start 2 tool_use t1 f", "delta 2 json {\"late\":1}", "block_stop 2",
                             "block_start 3 tool_use t2 g", "delta 3 json {}", "block_stop 3", "block_start 4 text",
                             "delta 4 text b", "block_stop 4", "message_delta tool_use in=42 out=5", "message_stop"}));
}

void TestReplyShaper::shaper_signsThinkingTheBackendDidNotSign()
{
    // llama.cpp and vLLM stream reasoning_content with no signature; SDKs expect a signature_delta.
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.thinkingDelta("step one");
    shaper.textDelta("answer");
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(out.lines[3], "delta 0 signature " + ThinkingSignature::sign("step one"));
    QCOMPARE(out.lines[4], QByteArray("block_stop 0"));
    QVERIFY(ThinkingSignature::isOwn(ThinkingSignature::sign("x")));
    QVERIFY(ThinkingSignature::sign("a") != ThinkingSignature::sign("b"));
}

void TestReplyShaper::shaper_omitsThinkingTextWhenAsked()
{
    RecordingEventSink out;
    auto opts = options();
    opts.omitThinkingText = true; // thinking.display: "omitted"
    ReplyShaper shaper(opts, out, {});
    shaper.thinkingDelta("private");
    shaper.textDelta("answer");
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(out.lines[1], QByteArray("block_start 0 thinking"));
    QCOMPARE(out.lines[2], "delta 0 signature " + ThinkingSignature::sign("private"));
    QVERIFY(!out.lines.join().contains("delta 0 thinking"));
}

void TestReplyShaper::shaper_failureBeforeOutput_isAnError()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.failed(ApiError::overloaded("busy"));
    shaper.textDelta("late");
    QCOMPARE(out.lines, QByteArrayList({"error overloaded_error busy"}));
    QVERIFY(!shaper.hasStarted());
}

void TestReplyShaper::shaper_failureAfterOutput_endsWithErrorNotStop()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.textDelta("partial");
    shaper.failed(ApiError::internal("died"));
    shaper.finished(StopReason::EndTurn);
    QCOMPARE(out.lines.last(), QByteArray("error api_error died"));
    QVERIFY(!out.lines.contains("message_stop"));
}

void TestReplyShaper::shaper_usesEstimateUntilTheBackendCounts()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.textDelta("a");
    shaper.textDelta("b");
    shaper.finished(StopReason::MaxTokens);
    QCOMPARE(out.lines.at(out.lines.size() - 2), QByteArray("message_delta max_tokens in=42 out=2"));
}

void TestReplyShaper::assembler_buildsAMessage()
{
    MessageAssembler assembler;
    ReplyShaper shaper(options({"END"}), assembler, {});
    shaper.thinkingDelta("plan");
    shaper.textDelta("Hi ");
    shaper.textDelta("there END ignored");
    QVERIFY(assembler.isComplete());
    const QJsonObject message = QJsonDocument::fromJson(assembler.toJson()).object();
    QCOMPARE(message[u"id"].toString(), u"msg_1");
    QCOMPARE(message[u"type"].toString(), u"message");
    QCOMPARE(message[u"role"].toString(), u"assistant");
    QCOMPARE(message[u"model"].toString(), u"client-model");
    QCOMPARE(message[u"stop_reason"].toString(), u"stop_sequence");
    QCOMPARE(message[u"stop_sequence"].toString(), u"END");
    const QJsonArray content = message[u"content"].toArray();
    QCOMPARE(content.size(), 2);
    QCOMPARE(content[0][u"type"].toString(), u"thinking");
    QCOMPARE(content[0][u"thinking"].toString(), u"plan");
    QCOMPARE(content[1][u"text"].toString(), u"Hi there ");
    const QJsonObject usage = message[u"usage"].toObject();
    QCOMPARE(usage[u"input_tokens"].toInt(), 42);
    QCOMPARE(usage[u"output_tokens"].toInt(), 3);
    QCOMPARE(usage[u"cache_read_input_tokens"].toInt(), 0);
    QCOMPARE(usage[u"cache_creation_input_tokens"].toInt(), 0);
}

void TestReplyShaper::assembler_repairsBrokenToolInput()
{
    MessageAssembler assembler;
    ReplyShaper shaper(options(), assembler, {});
    shaper.toolCallStart(0, "a", "f");
    shaper.toolCallArguments(0, "{\"x\": [1, 2]");
    shaper.toolCallStart(1, "b", "g");
    shaper.toolCallArguments(1, "{\"y\": \"ok\"}");
    shaper.finished(StopReason::ToolUse);
    const QJsonArray content = QJsonDocument::fromJson(assembler.toJson()).object()[u"content"].toArray();
    QCOMPARE(content[0][u"input"].toObject(), QJsonObject());
    QCOMPARE(content[1][u"input"][u"y"].toString(), u"ok");
}

void TestReplyShaper::shaper_carriesTheBackendsUsage_data()
{
    // Reports in the order the backend makes them; the answer is two text deltas. The estimate is 42.
    QTest::addColumn<UsageReports>("before"); // reported before any output
    QTest::addColumn<UsageReports>("after");  // reported after it, before the finish
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<QByteArray>("delta");
    QTest::addColumn<int>("jsonInput");
    QTest::addColumn<int>("jsonCacheRead");

    QTest::addRow("none: the estimate, no cache")
        << UsageReports{} << UsageReports{} << QByteArray("message_start client-model in=42")
        << QByteArray("message_delta end_turn in=42 out=2") << 42 << 0;
    QTest::addRow("a cached prompt") << UsageReports{} << UsageReports{{6, 5, 27}}
                                     << QByteArray("message_start client-model in=42")
                                     << QByteArray("message_delta end_turn in=6 out=5 cached=27") << 6 << 27;
    QTest::addRow("a prompt with no cache")
        << UsageReports{} << UsageReports{{33, 5, 0}} << QByteArray("message_start client-model in=42")
        << QByteArray("message_delta end_turn in=33 out=5") << 33 << 0;
    QTest::addRow("known before the first token")
        << UsageReports{{6, std::nullopt, 27}} << UsageReports{}
        << QByteArray("message_start client-model in=6 cached=27")
        << QByteArray("message_delta end_turn in=6 out=2 cached=27") << 6 << 27;
    QTest::addRow("the last report wins, its prompt figures together")
        << UsageReports{{6, std::nullopt, 27}} << UsageReports{{33, 5, std::nullopt}}
        << QByteArray("message_start client-model in=6 cached=27") << QByteArray("message_delta end_turn in=33 out=5")
        << 33 << 0;
    QTest::addRow("output alone keeps the prompt")
        << UsageReports{} << UsageReports{{6, std::nullopt, 27}, {std::nullopt, 5, std::nullopt}}
        << QByteArray("message_start client-model in=42") << QByteArray("message_delta end_turn in=6 out=5 cached=27")
        << 6 << 27;
    QTest::addRow("a cache count without its prompt is not one")
        << UsageReports{} << UsageReports{{std::nullopt, 5, 27}} << QByteArray("message_start client-model in=42")
        << QByteArray("message_delta end_turn in=42 out=5") << 42 << 0;
}

void TestReplyShaper::shaper_carriesTheBackendsUsage()
{
    QFETCH(UsageReports, before);
    QFETCH(UsageReports, after);
    QFETCH(QByteArray, start);
    QFETCH(QByteArray, delta);
    QFETCH(int, jsonInput);
    QFETCH(int, jsonCacheRead);

    const auto run = [&](MessageEventSink &out) {
        ReplyShaper shaper(options(), out, {});
        for (const auto &report : before) {
            shaper.usage(report);
        }
        shaper.textDelta("Hel");
        shaper.textDelta("lo");
        for (const auto &report : after) {
            shaper.usage(report);
        }
        shaper.finished(StopReason::EndTurn);
    };
    // A stream's events: message_start, then the final figures in message_delta.
    RecordingEventSink events;
    run(events);
    QCOMPARE(events.lines.first(), start);
    QCOMPARE(events.lines.at(events.lines.size() - 2), delta);

    // A JSON answer: the same figures, and all four fields always present.
    MessageAssembler assembler;
    run(assembler);
    const QJsonObject usage = QJsonDocument::fromJson(assembler.toJson()).object()[u"usage"].toObject();
    QCOMPARE(usage.keys(), QStringList({u"cache_creation_input_tokens"_s, u"cache_read_input_tokens"_s,
                                        u"input_tokens"_s, u"output_tokens"_s}));
    QCOMPARE(usage[u"input_tokens"].toInt(-1), jsonInput);
    QCOMPARE(usage[u"cache_read_input_tokens"].toInt(-1), jsonCacheRead);
    QCOMPARE(usage[u"cache_creation_input_tokens"].toInt(-1), 0);
}

namespace {

// The id the shaper gives a call the backend left unnamed.
QByteArray madeToolUseId(const QByteArray &messageId, const QByteArray &seed, int index, const QByteArray &name)
{
    RecordingEventSink out;
    ReplyShaper::Options opts{messageId, "client-model", {}, 42};
    opts.toolUseIdSeed = seed;
    ReplyShaper shaper(opts, out, {});
    shaper.toolCallStart(index, "", name);
    shaper.finished(StopReason::ToolUse);
    const QByteArray prefix = "block_start 0 tool_use ";
    const QByteArray &line = out.lines.at(1);
    if (!line.startsWith(prefix) || !line.endsWith(QByteArray(' ' + name))) {
        return "unexpected: " + line;
    }
    return line.mid(prefix.size(), line.size() - prefix.size() - name.size() - 1);
}

} // namespace

void TestReplyShaper::shaper_derivesToolUseIds_data()
{
    QTest::addColumn<QByteArray>("otherMessageId");
    QTest::addColumn<QByteArray>("otherSeed");
    QTest::addColumn<int>("otherIndex");
    QTest::addColumn<QByteArray>("otherName");
    QTest::addColumn<bool>("same");

    QTest::addRow("the same request, answered again")
        << QByteArray("msg_2") << QByteArray("request") << 0 << QByteArray("get_weather") << true;
    QTest::addRow("another request") << QByteArray("msg_1") << QByteArray("request 2") << 0 << QByteArray("get_weather")
                                     << false;
    QTest::addRow("the answer's next call")
        << QByteArray("msg_1") << QByteArray("request") << 1 << QByteArray("get_weather") << false;
    QTest::addRow("another tool") << QByteArray("msg_1") << QByteArray("request") << 0 << QByteArray("get_time")
                                  << false;
    QTest::addRow("no seed: the message id")
        << QByteArray("msg_1") << QByteArray() << 0 << QByteArray("get_weather") << false;
}

void TestReplyShaper::shaper_derivesToolUseIds()
{
    QFETCH(QByteArray, otherMessageId);
    QFETCH(QByteArray, otherSeed);
    QFETCH(int, otherIndex);
    QFETCH(QByteArray, otherName);
    QFETCH(bool, same);

    const QByteArray id = madeToolUseId("msg_1", "request", 0, "get_weather");
    // The shape the API's ids have, and a value that never changes between versions (stored
    // histories hold it): SHA-256 of (SHA-256("request"), "\0" "0" "\0", "get_weather"), 128 bits in base 62.
    QVERIFY2(QRegularExpression(u"^toolu_01[0-9A-Za-z]{22}$"_s).match(QString::fromLatin1(id)).hasMatch(),
             id.constData());
    QCOMPARE(id, QByteArray("toolu_01053HGWTwJ3Fmk0QzzIlru6"));
    QCOMPARE(madeToolUseId("msg_1", "request", 0, "get_weather"), id); // stable

    const QByteArray other = madeToolUseId(otherMessageId, otherSeed, otherIndex, otherName);
    QCOMPARE(other == id, same);
}

void TestReplyShaper::shaper_keepsTheBackendsToolUseId()
{
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.toolCallStart(0, "call_abc", "f");
    shaper.finished(StopReason::ToolUse);
    QCOMPARE(out.lines.at(1), QByteArray("block_start 0 tool_use call_abc f"));
    // With no seed, ids come from the message id: answers with different ids never share them.
    QVERIFY(madeToolUseId("msg_1", {}, 0, "f") != madeToolUseId("msg_2", {}, 0, "f"));
    QCOMPARE(madeToolUseId("msg_1", {}, 0, "f"), Ids::toolUseId(Ids::seedDigest("msg_1"), 0, "f"));
}

QTEST_GUILESS_MAIN(TestReplyShaper)
#include "tst_replyshaper.moc"

void TestReplyShaper::shaper_givesEveryToolCallItsWholeInput_data()
{
    QTest::addColumn<QByteArrayList>("script");
    QTest::addColumn<QByteArrayList>("calls"); // "name INPUT" in block order, as the backend meant them

    const QByteArray weather = R"({"city":"Paris","days":3})";
    const QByteArray time = R"({"zone":"Europe/Paris"})";
    const QByteArray tricky = R"({"q":"a}\"]{b","n":[1,{"x":[]}]})"; // brackets and an escaped quote in a string

    QTest::addRow("in order") << QByteArrayList{"name 0 weather", "args 0 " + weather, "name 1 time", "args 1 " + time}
                              << QByteArrayList{"weather " + weather, "time " + time};
    QTest::addRow("interleaved, two calls")
        << QByteArrayList{"name 0 weather", "name 1 time", "args 0 " + weather, "args 1 " + time}
        << QByteArrayList{"weather " + weather, "time " + time};
    QTest::addRow("interleaved, the second call's arguments first")
        << QByteArrayList{"name 0 weather", "name 1 time", "args 1 " + time, "args 0 " + weather}
        << QByteArrayList{"weather " + weather, "time " + time};
    QTest::addRow("interleaved, three calls in halves")
        << QByteArrayList{"name 0 weather",
                          "name 1 time",
                          "name 2 search",
                          "args 0 " + weather.left(9),
                          "args 1 " + time.left(5),
                          "args 2 " + tricky.left(12),
                          "args 0 " + weather.mid(9),
                          "args 1 " + time.mid(5),
                          "args 2 " + tricky.mid(12)}
        << QByteArrayList{"weather " + weather, "time " + time, "search " + tricky};
    QTest::addRow("interleaved byte by byte")
        << QByteArrayList{"name 0 weather", "name 1 search"} + alternating(bytewise(0, weather), bytewise(1, tricky))
        << QByteArrayList{"weather " + weather, "search " + tricky};
    const QByteArray path = R"({"p":"C:\\","q":"}\\\"{"})"; // escaped backslashes before closing quotes
    QTest::addRow("escaped backslashes, byte by byte")
        << QByteArrayList{"name 0 path", "name 1 weather"} + alternating(bytewise(0, path), bytewise(1, weather))
        << QByteArrayList{"path " + path, "weather " + weather};
    QTest::addRow("a third call starts after the first completed")
        << QByteArrayList{"name 0 weather", "name 1 time",      "args 0 " + weather,
                          "name 2 search",  "args 2 " + tricky, "args 1 " + time}
        << QByteArrayList{"weather " + weather, "time " + time, "search " + tricky};
    QTest::addRow("text inside an unfinished call cuts it off")
        << QByteArrayList{"text checking",
                          "name 0 weather",
                          "name 1 time",
                          "args 0 " + weather.left(4),
                          "args 1 " + time,
                          "text done",
                          "args 0 " + weather.mid(4)}
        << QByteArrayList{"weather " + weather.left(4), "time " + time};
}

void TestReplyShaper::shaper_givesEveryToolCallItsWholeInput()
{
    QFETCH(QByteArrayList, script);
    QFETCH(QByteArrayList, calls);
    QByteArrayList expected;
    for (const QByteArray &call : calls) {
        expected.append(normalizedCall(call));
    }

    // The stream: well-formed, and each block's deltas joined are the call's arguments.
    RecordingEventSink events;
    ReplyShaper streaming(options(), events, {});
    play(streaming, script);
    streaming.finished(StopReason::ToolUse);
    const QByteArrayList blocks = toolBlocksOf(events.lines);
    QVERIFY2(!blocks.isEmpty(), events.lines.join('\n').constData());
    QByteArrayList streamed;
    for (const QByteArray &block : blocks) {
        streamed.append(normalizedCall(block));
    }
    QCOMPARE(streamed, expected);

    // The JSON answer: the same inputs, as objects (an invalid one repaired to {}).
    MessageAssembler assembler;
    ReplyShaper answering(options(), assembler, {});
    play(answering, script);
    answering.finished(StopReason::ToolUse);
    QByteArrayList answered;
    for (const auto block : QJsonDocument::fromJson(assembler.toJson()).object()[u"content"].toArray()) {
        if (block[u"type"].toString() == u"tool_use") {
            answered.append(block[u"name"].toString().toUtf8() + ' ' +
                            QJsonDocument(block[u"input"].toObject()).toJson(QJsonDocument::Compact));
        }
    }
    for (QByteArray &call : expected) {
        if (const qsizetype invalid = call.indexOf(" INVALID "); invalid >= 0) {
            call = call.left(invalid) + " {}";
        }
    }
    QCOMPARE(answered, expected);
}

void TestReplyShaper::shaper_inOrderToolCalls_streamAsTheyCome()
{
    // Nothing held when the backend sends calls one after another: each fragment goes out as it comes.
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.toolCallStart(0, "a", "f");
    shaper.toolCallArguments(0, "{\"x\":");
    QCOMPARE(out.lines.last(), QByteArray("delta 0 json {\"x\":"));
    shaper.toolCallArguments(0, "1}");
    shaper.toolCallStart(1, "b", "g");
    QCOMPARE(out.lines.last(), QByteArray("block_start 1 tool_use b g"));
    shaper.toolCallArguments(1, "{");
    QCOMPARE(out.lines.last(), QByteArray("delta 1 json {"));
}

void TestReplyShaper::shaper_heldCallOpensAtTheOpenCallsLastByte_data()
{
    QTest::addColumn<QByteArray>("arguments"); // the open call's, fed one byte at a time
    QTest::addRow("flat") << QByteArray(R"({"city":"Paris"})");
    QTest::addRow("nested") << QByteArray(R"({"a":[1,{"b":[]}],"c":{}})");
    QTest::addRow("brackets in strings") << QByteArray(R"({"q":"}]","r":"[{"})");
    QTest::addRow("escaped quote") << QByteArray(R"({"q":"a\"}"})");
    QTest::addRow("escaped backslash before the closing quote") << QByteArray(R"({"p":"C:\\","q":"}"})");
    QTest::addRow("escaped backslash, then an escaped quote") << QByteArray(R"({"p":"\\\"}"})");
    QTest::addRow("spaces and newlines") << QByteArray("{\n  \"a\" : [ 1 , 2 ]\n}");
}

void TestReplyShaper::shaper_heldCallOpensAtTheOpenCallsLastByte()
{
    QFETCH(QByteArray, arguments);
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.toolCallStart(0, "a", "f");
    shaper.toolCallStart(1, "b", "g");
    shaper.toolCallArguments(1, "{}");
    for (qsizetype i = 0; i + 1 < arguments.size(); ++i) {
        shaper.toolCallArguments(0, arguments.sliced(i, 1));
        QVERIFY2(!out.lines.contains("block_stop 0"), qPrintable(u"closed after byte %1"_s.arg(i)));
    }
    shaper.toolCallArguments(0, arguments.last(1));
    QCOMPARE(out.lines.mid(out.lines.size() - 3),
             QByteArrayList({"block_stop 0", "block_start 1 tool_use b g", "delta 1 json {}"}));
    QVERIFY(!QJsonDocument::fromJson(arguments).isNull()); // the rows are valid JSON
}

void TestReplyShaper::shaper_toolCallCutOff_staysWellFormed()
{
    // The backend ran out of tokens inside call 0's arguments, with call 1 started and held: every
    // block still stops, in order, and the stop reason stays tool_use (anthropic-api.md rule 5).
    RecordingEventSink out;
    ReplyShaper shaper(options(), out, {});
    shaper.toolCallStart(0, "a", "f");
    shaper.toolCallStart(1, "b", "g");
    shaper.toolCallArguments(1, "{\"y\":2}");
    shaper.toolCallArguments(0, "{\"x\":[1,");
    shaper.finished(StopReason::MaxTokens);
    QCOMPARE(out.lines, QByteArrayList({"message_start client-model in=42", "block_start 0 tool_use a f",
                                        "delta 0 json {\"x\":[1,", "block_stop 0", "block_start 1 tool_use b g",
                                        "delta 1 json {\"y\":2}", "block_stop 1", "message_delta tool_use in=42 out=2",
                                        "message_stop"}));
}
