// SPDX-License-Identifier: MIT
// The prefix doctor: whether a turn's upstream prompt extends the previous turn's, where it stops,
// and which change in the client's request caused it.
#include "api/requestdecoder.h"
#include "backend/openai/chatrequestbuilder.h"
#include "json/jsonparser.h"
#include "traffic/prefixdoctor.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using Verdict = PrefixDiagnosis::Verdict;
using Cause = PrefixDiagnosis::Cause;
using Dialect = PromptTurn::Dialect;
using namespace Qt::StringLiterals;

namespace {

// Client (Anthropic) requests of one conversation, turn by turn.
const QByteArray Client1 =
    R"({"model":"m","system":"S","tools":[{"name":"ls","input_schema":{}}],"max_tokens":10,)"
    R"("messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]})";
// Turn 2 extends turn 1; the cache breakpoint moved to the last message and the first one is now
// written as a string: neither changes the prompt.
const QByteArray Client2 =
    R"({"model":"m","system":"S","tools":[{"name":"ls","input_schema":{}}],"max_tokens":10,)"
    R"("messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"},)"
    R"({"role":"user","content":[{"type":"text","text":"more","cache_control":{"type":"ephemeral"}}]}]})";
const QByteArray Client3 =
    R"({"model":"m","system":"S","tools":[{"name":"ls","input_schema":{}}],"max_tokens":10,)"
    R"("messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"},)"
    R"({"role":"user","content":"more"},{"role":"assistant","content":"ok"},{"role":"user","content":"again"}]})";

// What Switchboard sent upstream (Chat Completions) for them.
const QByteArray Upstream1 =
    R"({"model":"u","messages":[{"role":"system","content":"S"},)"
    R"({"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"ls"}}]})";
const QByteArray Upstream2 =
    R"({"model":"u","messages":[{"role":"system","content":"S"},)"
    R"({"role":"user","content":"hi"},{"role":"assistant","content":"yo"},)"
    R"({"role":"user","content":"more"}],"tools":[{"type":"function","function":{"name":"ls"}}]})";
const QByteArray Upstream3 =
    R"({"model":"u","messages":[{"role":"system","content":"S"},)"
    R"({"role":"user","content":"hi"},{"role":"assistant","content":"yo"},{"role":"user","content":"more"},)"
    R"({"role":"assistant","content":"ok"},{"role":"user","content":"again"}],)"
    R"("tools":[{"type":"function","function":{"name":"ls"}}]})";

QByteArray recordedBody(const QString &name)
{
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u"/claude-code/"_s + name);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    // As the client sent it, keys in their order (QJsonDocument would sort them).
    JsonParser parser;
    simdjson::dom::element body;
    const QByteArray recorded = file.readAll();
    return parser.parse(recorded)["body"].get(body) == simdjson::SUCCESS ? Json::serialize(body) : QByteArray();
}

// The Chat Completions body Switchboard sends for a client request.
QByteArray translated(const QByteArray &client)
{
    const auto decoded = RequestDecoder::decode(client, RequestDecoder::Endpoint::Messages);
    if (!decoded) {
        return {};
    }
    ChatRequestOptions options;
    options.upstreamModel = "qwen3-coder";
    const auto chat = buildChatRequest(*decoded, options);
    return chat ? chat->body : QByteArray();
}

QByteArray replaced(QByteArray text, QByteArrayView from, QByteArrayView to)
{
    const qsizetype at = text.indexOf(from);
    if (at < 0) { // Q_ASSERT would be compiled out in the release builds the suite runs on
        QTest::qFail(QByteArray("no " + from.toByteArray() + " to replace").constData(), __FILE__, __LINE__);
    }
    return text.replace(at, from.size(), to.toByteArray());
}

} // namespace

class TestPrefixDoctor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diagnose_data();
    void diagnose();
    void excerptKeepsCharactersWhole();
    void summaryIsOneLine();
    void claudeCodeRecording();
    void claudeCodeRecordingThroughTranslation();
};

void TestPrefixDoctor::diagnose_data()
{
    QTest::addColumn<QByteArray>("previousClient");
    QTest::addColumn<QByteArray>("previousUpstream");
    QTest::addColumn<QByteArray>("currentClient");
    QTest::addColumn<QByteArray>("currentUpstream");
    QTest::addColumn<Dialect>("dialect");
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<Cause>("cause");
    QTest::addColumn<QByteArray>("section");
    QTest::addColumn<int>("upstreamMessage");
    QTest::addColumn<qsizetype>("byteOffset");
    QTest::addColumn<int>("clientMessage");
    QTest::addColumn<QByteArrayList>("parameters");

    const auto chat = Dialect::ChatCompletions;
    QTest::newRow("extends") << Client1 << Upstream1 << Client2 << Upstream2 << chat << Verdict::Extends << Cause::None
                             << QByteArray() << -1 << qsizetype(-1) << -1 << QByteArrayList();
    QTest::newRow("identical retry") << Client2 << Upstream2 << Client2 << Upstream2 << chat << Verdict::Extends
                                     << Cause::None << QByteArray() << -1 << qsizetype(-1) << -1 << QByteArrayList();
    // `{"role":"system","content":"S` is 29 bytes: the 30th differs.
    QTest::newRow("system changed") << Client2 << Upstream2 << replaced(Client3, R"("system":"S")", R"("system":"S2")")
                                    << replaced(Upstream3, R"("content":"S")", R"("content":"S2")") << chat
                                    << Verdict::Broken << Cause::SystemChanged << QByteArray("messages") << 0
                                    << qsizetype(29) << -1 << QByteArrayList();
    // `[{"type":"function","function":{"name":"ls` is 42 bytes.
    QTest::newRow("tools changed") << Client2 << Upstream2 << replaced(Client3, R"("name":"ls")", R"("name":"ls2")")
                                   << replaced(Upstream3, R"("name":"ls")", R"("name":"ls2")") << chat
                                   << Verdict::Broken << Cause::ToolsChanged << QByteArray("tools") << -1
                                   << qsizetype(42) << -1 << QByteArrayList();
    // The client rewrote its own assistant turn (client messages[1], upstream messages[2]):
    // `{"role":"assistant","content":"` is 31 bytes.
    QTest::newRow("client rewrote messages[1]")
        << Client2 << Upstream2 << replaced(Client3, R"("content":"yo")", R"("content":"YO")")
        << replaced(Upstream3, R"("content":"yo")", R"("content":"YO")") << chat << Verdict::Broken
        << Cause::ClientRewroteMessage << QByteArray("messages") << 2 << qsizetype(31) << 1 << QByteArrayList();
    QTest::newRow("client dropped messages (compaction)")
        << Client2 << Upstream2 << Client1 << Upstream1 << chat << Verdict::Broken << Cause::ClientDroppedMessages
        << QByteArray("messages") << 2 << qsizetype(0) << 1 << QByteArrayList();
    QTest::newRow("parameter changed") << Client2 << Upstream2
                                       << replaced(Client3, R"("max_tokens":10)", R"("max_tokens":10,"temperature":1)")
                                       << replaced(Upstream3, R"("content":"hi")", R"("content":"hi\n")") << chat
                                       << Verdict::Broken << Cause::ParameterChanged << QByteArray("messages") << 1
                                       << qsizetype(28) << -1 << QByteArrayList{"temperature"};
    // The client extended its request (and moved its cache marker), but the upstream prompt's
    // messages[1] changed: `{"role":"user","content":"hi` is 28 bytes.
    QTest::newRow("translation broke it")
        << Client2 << Upstream2 << Client3 << replaced(Upstream3, R"("content":"hi")", R"("content":"hi!")") << chat
        << Verdict::Broken << Cause::Translation << QByteArray("messages") << 1 << qsizetype(28) << -1
        << QByteArrayList();
    QTest::newRow("translation reordered tools")
        << Client2 << Upstream2 << Client3
        << replaced(Upstream3, R"("tools":[{"type":"function","function":{"name":"ls"}}])",
                    R"("tools":[{"function":{"name":"ls"},"type":"function"}])")
        << chat << Verdict::Broken << Cause::Translation << QByteArray("tools") << -1 << qsizetype(3) << -1
        << QByteArrayList();
    // Pass-through: the upstream body is the client's own; a moved cache marker changes nothing.
    const auto anthropic = Dialect::Anthropic;
    QTest::newRow("pass-through extends")
        << Client1 << Client1 << Client2 << Client2 << anthropic << Verdict::Extends << Cause::None << QByteArray()
        << -1 << qsizetype(-1) << -1 << QByteArrayList();
    const QByteArray changedSystem = replaced(Client3, R"("system":"S")", R"("system":"T")");
    QTest::newRow("pass-through system changed")
        << Client2 << Client2 << changedSystem << changedSystem << anthropic << Verdict::Broken << Cause::SystemChanged
        << QByteArray("system") << -1 << qsizetype(24) << -1 << QByteArrayList();
    // A string content compares as the text block it means: `{"role":"assistant","content":` and
    // `[{"type":"text","text":"` are 54 bytes.
    const QByteArray rewritten = replaced(Client3, R"("content":"yo")", R"("content":"no")");
    QTest::newRow("pass-through client rewrote messages[1]")
        << Client2 << Client2 << rewritten << rewritten << anthropic << Verdict::Broken << Cause::ClientRewroteMessage
        << QByteArray("messages") << 1 << qsizetype(54) << 1 << QByteArrayList();
    // Claude Code's attribution line changes its cch= value on every request; Anthropic's cache and
    // Switchboard's translation both ignore it.
    const auto attributedWith = [](const QByteArray &request, QByteArrayView nonce) {
        const QByteArray system =
            R"("system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1; cch=)" +
            nonce.toByteArray() + R"(;"},{"type":"text","text":"S"}])";
        return replaced(request, R"("system":"S")", system);
    };
    const QByteArray attributed = attributedWith(Client2, "a1b2c");
    const QByteArray nextAttributed = attributedWith(Client3, "ffe31");
    QTest::newRow("pass-through attribution nonce")
        << attributed << attributed << nextAttributed << nextAttributed << anthropic << Verdict::Extends << Cause::None
        << QByteArray() << -1 << qsizetype(-1) << -1 << QByteArrayList();
    QTest::newRow("attribution nonce is not a system change")
        << attributed << Upstream2 << nextAttributed << replaced(Upstream3, R"("content":"hi")", R"("content":"hi!")")
        << chat << Verdict::Broken << Cause::Translation << QByteArray("messages") << 1 << qsizetype(28) << -1
        << QByteArrayList();
    QTest::newRow("not JSON") << Client1 << QByteArray("<html>") << Client2 << Upstream2 << chat << Verdict::Unknown
                              << Cause::None << QByteArray() << -1 << qsizetype(-1) << -1 << QByteArrayList();
}

void TestPrefixDoctor::diagnose()
{
    QFETCH(QByteArray, previousClient);
    QFETCH(QByteArray, previousUpstream);
    QFETCH(QByteArray, currentClient);
    QFETCH(QByteArray, currentUpstream);
    QFETCH(Dialect, dialect);

    const PrefixDiagnosis diagnosis =
        PrefixDoctor::diagnose({previousClient, previousUpstream, dialect}, {currentClient, currentUpstream, dialect});

    QTEST(diagnosis.verdict, "verdict");
    QTEST(diagnosis.cause, "cause");
    QTEST(diagnosis.section, "section");
    QTEST(diagnosis.upstreamMessage, "upstreamMessage");
    QTEST(diagnosis.byteOffset, "byteOffset");
    QTEST(diagnosis.clientMessage, "clientMessage");
    QTEST(diagnosis.parameters, "parameters");
    if (diagnosis.broken()) {
        // The diff shows where both sides part.
        QVERIFY(!diagnosis.previousText.isEmpty() || !diagnosis.currentText.isEmpty());
        QVERIFY(diagnosis.previousText != diagnosis.currentText);
    }
}

void TestPrefixDoctor::excerptKeepsCharactersWhole()
{
    const QByteArray padding(100, 'a');
    const QByteArray start = "{\"messages\":[{\"role\":\"user\",\"content\":\"";
    const QByteArray before = start + padding + "héllo wörld" + padding + "\"}]}";
    const QByteArray after = start + padding + "hèllo wörld" + padding + "\"}]}";
    const PrefixDiagnosis diagnosis =
        PrefixDoctor::diagnose({{}, before, Dialect::ChatCompletions}, {{}, after, Dialect::ChatCompletions});
    QCOMPARE(diagnosis.verdict, Verdict::Broken);
    // é and è share their first byte: the difference is in the second, and the excerpt starts at the first.
    QCOMPARE(diagnosis.byteOffset, qsizetype(qstrlen("{\"role\":\"user\",\"content\":\"") + 100 + 2));
    QCOMPARE(diagnosis.context.size(), PrefixDoctor::ExcerptBytes - 1);
    QVERIFY(diagnosis.context.endsWith("aah"));
    QVERIFY(diagnosis.previousText.startsWith("éllo wörld"));
    QVERIFY(diagnosis.currentText.startsWith("èllo wörld"));
    QCOMPARE(QString::fromUtf8(diagnosis.previousText).toUtf8(), diagnosis.previousText); // valid UTF-8
    QVERIFY(diagnosis.previousText.size() <= PrefixDoctor::ExcerptBytes + 4);
}

void TestPrefixDoctor::summaryIsOneLine()
{
    const PrefixDiagnosis diagnosis = PrefixDoctor::diagnose(
        {Client2, Upstream2, Dialect::ChatCompletions},
        {Client3, replaced(Upstream3, R"("content":"hi")", R"("content":"hi\nthere")"), Dialect::ChatCompletions});
    const QString summary = diagnosis.summary();
    QVERIFY2(!summary.contains(u'\n'), qPrintable(summary));
    QVERIFY2(summary.contains(u"upstream messages[1] byte 28"), qPrintable(summary));
    QVERIFY2(summary.contains(u"Switchboard's translation"), qPrintable(summary));
    QVERIFY2(summary.contains(u"[was: \"}"), qPrintable(summary));
    QVERIFY2(summary.contains(u"[now: \\nthere"), qPrintable(summary));
}

void TestPrefixDoctor::claudeCodeRecording()
{
    // Two real consecutive Claude Code requests: the second adds the tool call and its result, moves
    // the cache marker and writes the mid-conversation system message as a string instead of a
    // text block. Passed through, the prompt still extends.
    const QByteArray first = recordedBody(u"01-first-turn-request.json"_s);
    const QByteArray second = recordedBody(u"02-tool-result-request.json"_s);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    PrefixDiagnosis diagnosis;
    QBENCHMARK
    {
        diagnosis = PrefixDoctor::diagnose({first, first, Dialect::Anthropic}, {second, second, Dialect::Anthropic});
    }
    QVERIFY2(diagnosis.verdict == Verdict::Extends, qPrintable(diagnosis.summary()));
    // The client's own turn against itself, reversed: the second request's messages were dropped.
    diagnosis = PrefixDoctor::diagnose({second, second, Dialect::Anthropic}, {first, first, Dialect::Anthropic});
    QCOMPARE(diagnosis.cause, Cause::ClientDroppedMessages);
    QCOMPARE(diagnosis.upstreamMessage, 2);
    QCOMPARE(diagnosis.clientMessage, 2);
}

void TestPrefixDoctor::claudeCodeRecordingThroughTranslation()
{
    // The same two requests through Switchboard's Chat Completions translation: the client's second
    // request extends its first, so the upstream prompt must extend too.
    const QByteArray first = recordedBody(u"01-first-turn-request.json"_s);
    const QByteArray second = recordedBody(u"02-tool-result-request.json"_s);
    const QByteArray firstUpstream = translated(first);
    const QByteArray secondUpstream = translated(second);
    QVERIFY(!firstUpstream.isEmpty() && !secondUpstream.isEmpty());
    PrefixDiagnosis diagnosis;
    QBENCHMARK
    {
        diagnosis = PrefixDoctor::diagnose({first, firstUpstream, Dialect::ChatCompletions},
                                           {second, secondUpstream, Dialect::ChatCompletions});
    }
    QVERIFY2(diagnosis.verdict == Verdict::Extends, qPrintable(diagnosis.summary()));
}

QTEST_GUILESS_MAIN(TestPrefixDoctor)
#include "tst_prefixdoctor.moc"
