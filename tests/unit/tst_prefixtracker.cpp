// SPDX-License-Identifier: MIT
// The gateway's prefix tracker: one log line per turn that breaks its branch's prefix, and a
// bounded memory of sessions.
#include "json/jsonparser.h"
#include "traffic/prefixtracker.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

using namespace Switchboard::Core;

namespace {

QByteArray clientBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"m","system":")" + system.toByteArray() + R"(","messages":[)";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += (i ? "," : "") + QByteArray(R"({"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" +
                texts.at(i) + "\"}";
    }
    return body + "]}";
}

QByteArray upstreamBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"u","messages":[{"role":"system","content":")" + system.toByteArray() + "\"}";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += QByteArray(R"(,{"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" + texts.at(i) + "\"}";
    }
    return body + "]}";
}

PromptTurn turn(QByteArrayView system, const QByteArrayList &texts)
{
    return {clientBody(system, texts), upstreamBody(system, texts), PromptTurn::Dialect::ChatCompletions};
}

} // namespace

class TestPrefixTracker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void logsOneLinePerBrokenPrefix();
    void blamesTranslationAsAWarning();
    void subagentsAreBranches();
    void forgetsTheLeastRecentSession();
    void claudeCodeTurnCost();
};

void TestPrefixTracker::logsOneLinePerBrokenPrefix()
{
    PrefixTracker tracker;
    const SessionKey session{"s-1", SessionKey::Source::Header};
    QTest::failOnWarning(QRegularExpression(u".*"_qs));
    // The first turn and a turn that extends it say nothing.
    QCOMPARE(tracker.observe(session, turn("S", {"hi"})).verdict, PrefixDiagnosis::Verdict::Unknown);
    QCOMPARE(tracker.observe(session, turn("S", {"hi", "yo", "more"})).verdict, PrefixDiagnosis::Verdict::Extends);
    // The client rewrote its own earlier answer: one line, at info level, saying so.
    QTest::ignoreMessage(
        QtInfoMsg,
        QRegularExpression(uR"(^session s-1 branch 1 turn 3: prefix broken at upstream messages\[2\] byte 31: )"
                           uR"(the client rewrote its own messages\[1\]; .*\[was: yo.*\]\[now: YO.*\]$)"_qs));
    const PrefixDiagnosis broken = tracker.observe(session, turn("S", {"hi", "YO", "more", "ok", "again"}));
    QCOMPARE(broken.cause, PrefixDiagnosis::Cause::ClientRewroteMessage);
    // And the next turn, which extends that one, says nothing again.
    QCOMPARE(tracker.observe(session, turn("S", {"hi", "YO", "more", "ok", "again", "k", "go"})).verdict,
             PrefixDiagnosis::Verdict::Extends);
}

void TestPrefixTracker::blamesTranslationAsAWarning()
{
    PrefixTracker tracker;
    const SessionKey session{"s-2", SessionKey::Source::Header};
    tracker.observe(session, turn("S", {"hi"}));
    PromptTurn next = turn("S", {"hi", "yo", "more"});
    // The client extended its request; the upstream's first user message changed.
    next.upstreamBody.replace(R"("content":"hi")", R"("content":"hi ")");
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(uR"(^session s-2 branch 1 turn 2: prefix broken at upstream messages\[1\] )"
                                            uR"(byte 28: .*Switchboard's translation broke the prefix.*)"_qs));
    QCOMPARE(tracker.observe(session, next).cause, PrefixDiagnosis::Cause::Translation);
}

void TestPrefixTracker::subagentsAreBranches()
{
    PrefixTracker tracker;
    const SessionKey session{"s-3", SessionKey::Source::Header};
    QTest::failOnWarning(QRegularExpression(u".*"_qs));
    tracker.observe(session, turn("main", {"fix it"}));
    tracker.observe(session, turn("explorer", {"find it"}));
    QCOMPARE(tracker.observe(session, turn("main", {"fix it", "ok", "go"})).verdict, PrefixDiagnosis::Verdict::Extends);
    QCOMPARE(tracker.observe(session, turn("explorer", {"find it", "found", "more"})).verdict,
             PrefixDiagnosis::Verdict::Extends);
    // Another session's turn compares with nothing.
    QCOMPARE(tracker.observe({"s-4", SessionKey::Source::Header}, turn("main", {"fix it", "no", "go"})).verdict,
             PrefixDiagnosis::Verdict::Unknown);
}

void TestPrefixTracker::forgetsTheLeastRecentSession()
{
    PrefixTracker tracker(2);
    const SessionKey a{"a", SessionKey::Source::Header};
    tracker.observe(a, turn("S", {"hi"}));
    tracker.observe({"b", SessionKey::Source::Header}, turn("S", {"hi"}));
    tracker.observe(a, turn("S", {"hi", "yo", "x"})); // a is now the most recent
    tracker.observe({"c", SessionKey::Source::Header}, turn("S", {"hi"}));
    QCOMPARE(tracker.sessionCount(), 2);
    // a was kept (b was forgotten): its next turn is compared.
    QCOMPARE(tracker.observe(a, turn("S", {"hi", "yo", "x", "y", "z"})).verdict, PrefixDiagnosis::Verdict::Extends);
    QCOMPARE(tracker.observe({"b", SessionKey::Source::Header}, turn("S", {"hi", "yo", "x"})).verdict,
             PrefixDiagnosis::Verdict::Unknown);
}

void TestPrefixTracker::claudeCodeTurnCost()
{
    // What the gateway's thread spends per turn of a real Claude Code session (a 50 KB request,
    // passed through): the session key, the branch and the comparison with the previous turn.
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u"/claude-code/02-tool-result-request.json"_qs);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray recorded = file.readAll();
    JsonParser parser;
    simdjson::dom::element element;
    QCOMPARE(parser.parse(recorded)["body"].get(element), simdjson::SUCCESS);
    const QByteArray body = Json::serialize(element);
    const PromptTurn turn{body, body, PromptTurn::Dialect::Anthropic};
    const HttpHeaders headers{{"X-Claude-Code-Session-Id", "0bfc5bfb"}};
    PrefixTracker tracker;
    tracker.observe(SessionKey::fromRequest(headers, body, "127.0.0.1", "claude-cli"), turn);
    PrefixDiagnosis diagnosis;
    QBENCHMARK
    {
        diagnosis = tracker.observe(SessionKey::fromRequest(headers, body, "127.0.0.1", "claude-cli"), turn);
    }
    QCOMPARE(diagnosis.verdict, PrefixDiagnosis::Verdict::Extends);
}

QTEST_GUILESS_MAIN(TestPrefixTracker)
#include "tst_prefixtracker.moc"
