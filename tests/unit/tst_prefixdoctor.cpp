// SPDX-License-Identifier: MIT
// The prefix doctor: whether a turn's upstream prompt extends the previous turn's, where it stops,
// and which change in the client's request caused it.
#include "traffic/prefixdoctor.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;
using Verdict = PrefixDiagnosis::Verdict;
using Cause = PrefixDiagnosis::Cause;
using Dialect = PromptTurn::Dialect;

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

QByteArray replaced(QByteArray text, QByteArrayView from, QByteArrayView to)
{
    const qsizetype at = text.indexOf(from);
    Q_ASSERT(at >= 0);
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

QTEST_GUILESS_MAIN(TestPrefixDoctor)
#include "tst_prefixdoctor.moc"
