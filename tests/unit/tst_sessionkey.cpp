// SPDX-License-Identifier: MIT
// Grouping exchanges into agent sessions: the session's key, and the branches (subagents) in it.
#include "traffic/promptshape.h"
#include "traffic/sessionbranches.h"
#include "traffic/sessionkey.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using Source = SessionKey::Source;

class TestSessionKey : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void key_data();
    void key();
    void clientKeyFollowsModelAndSystem();
    void claudeCodeRecording();
    void branches();
};

void TestSessionKey::key_data()
{
    QTest::addColumn<HttpHeaders>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<Source>("source");

    const QByteArray jsonUserId =
        R"({"model":"m","metadata":{"user_id":"{\"device_id\":\"d7a4\",\"account_uuid\":\"\",)"
        R"(\"session_id\":\"0bfc5bfb-0bdb-442e-93a0-456e44e0a852\"}"},"messages":[]})";
    QTest::newRow("header") << HttpHeaders{{"X-Claude-Code-Session-Id", "0bfc5bfb-0bdb"}} << jsonUserId
                            << QByteArray("0bfc5bfb-0bdb") << Source::Header;
    QTest::newRow("JSON user_id") << HttpHeaders{{"User-Agent", "claude-cli/2.1"}} << jsonUserId
                                  << QByteArray("0bfc5bfb-0bdb-442e-93a0-456e44e0a852") << Source::MetadataJson;
    QTest::newRow("legacy user_id") << HttpHeaders{}
                                    << QByteArray(R"({"model":"m","metadata":{"user_id":"user_ab12_account_)"
                                                  R"(5e6f-77_session_9a8b-7c6d"},"messages":[]})")
                                    << QByteArray("9a8b-7c6d") << Source::MetadataLegacy;
    QTest::newRow("user_id without a session")
        << HttpHeaders{} << QByteArray(R"({"model":"m","system":"S","metadata":{"user_id":"alice"},"messages":[]})")
        << QByteArray("client 10.0.0.2 curl/8 m system ") + QByteArray("none") << Source::Client;
    QTest::newRow("none") << HttpHeaders{} << QByteArray(R"({"model":"m","messages":[]})")
                          << QByteArray("client 10.0.0.2 curl/8 m system none") << Source::Client;
}

void TestSessionKey::key()
{
    QFETCH(HttpHeaders, headers);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, id);
    QFETCH(Source, source);

    const SessionKey key = SessionKey::fromRequest(headers, body, "10.0.0.2", "curl/8");
    QCOMPARE(key.source, source);
    if (source != Source::Client || !body.contains("\"system\"")) {
        QCOMPARE(key.id, id);
    } else {
        QVERIFY2(key.id.startsWith("client 10.0.0.2 curl/8 m system "), key.id.constData());
        QVERIFY(!key.id.endsWith("none"));
    }
}

void TestSessionKey::clientKeyFollowsModelAndSystem()
{
    const auto key = [](QByteArrayView host, QByteArrayView body) {
        return SessionKey::fromRequest({}, body, host, "curl/8").id;
    };
    const QByteArray a = R"({"model":"m","system":"S","messages":[{"role":"user","content":"1"}]})";
    const QByteArray laterA =
        R"({"model":"m","system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],)"
        R"("messages":[{"role":"user","content":"2"}]})";
    QCOMPARE(key("10.0.0.2", a), key("10.0.0.2", a));
    QVERIFY(key("10.0.0.2", a) != key("10.0.0.3", a));
    QVERIFY(key("10.0.0.2", a) != key("10.0.0.2", R"({"model":"m","system":"T","messages":[]})"));
    QVERIFY(key("10.0.0.2", a) != key("10.0.0.2", R"({"model":"n","system":"S","messages":[]})"));
    // A cache marker is not part of the instructions.
    QCOMPARE(key("10.0.0.2", R"({"model":"m","system":[{"type":"text","text":"S"}],"messages":[]})"),
             key("10.0.0.2", laterA));
}

void TestSessionKey::claudeCodeRecording()
{
    // A real Claude Code request: the header and the JSON user_id name the same session.
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u"/claude-code/02-tool-result-request.json");
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject recorded = QJsonDocument::fromJson(file.readAll()).object();
    const QByteArray body = QJsonDocument(recorded[u"body"_qs].toObject()).toJson(QJsonDocument::Compact);
    HttpHeaders headers;
    const QJsonObject recordedHeaders = recorded[u"headers"_qs].toObject();
    for (auto it = recordedHeaders.begin(); it != recordedHeaders.end(); ++it) {
        headers.append(it.key().toUtf8(), it.value().toString().toUtf8());
    }
    const SessionKey fromHeader = SessionKey::fromRequest(headers, body, "127.0.0.1", "claude-cli");
    QCOMPARE(fromHeader.source, Source::Header);
    QCOMPARE(fromHeader.id, QByteArray("0bfc5bfb-0bdb-442e-93a0-456e44e0a852"));
    const SessionKey fromBody = SessionKey::fromRequest({}, body, "127.0.0.1", "claude-cli");
    QCOMPARE(fromBody.source, Source::MetadataJson);
    QCOMPARE(fromBody.id, fromHeader.id);

    const PromptShape shape = PromptShape::fromClientBody(body);
    QCOMPARE(shape.messageCount, 4);
    QVERIFY2(shape.systemExcerpt.startsWith(u"You are a Claude agent"), qPrintable(shape.systemExcerpt));
}

void TestSessionKey::branches()
{
    const auto shape = [](QByteArrayView system, QByteArrayView first, int more) {
        QByteArray body = R"({"model":"m","system":")" + system.toByteArray() + R"(","messages":[)";
        body += R"({"role":"user","content":")" + first.toByteArray() + "\"}";
        for (int i = 0; i < more; ++i) {
            body += R"(,{"role":"assistant","content":"a"},{"role":"user","content":"u"})";
        }
        body += "]}";
        return PromptShape::fromClientBody(body);
    };
    SessionBranches branches;
    QCOMPARE(branches.assign(shape("main", "fix the bug", 0)), 0);
    QCOMPARE(branches.assign(shape("main", "fix the bug", 1)), 0);
    // A subagent: its own system prompt and task.
    QCOMPARE(branches.assign(shape("explorer", "find the parser", 0)), 1);
    QCOMPARE(branches.assign(shape("main", "fix the bug", 2)), 0);
    QCOMPARE(branches.assign(shape("explorer", "find the parser", 1)), 1);
    // A second subagent of the same kind is a third branch.
    QCOMPARE(branches.assign(shape("explorer", "find the tests", 0)), 2);
    QCOMPARE(branches.assign(shape("explorer", "find the parser", 2)), 1);
    // The main agent changed its system prompt mid-conversation: still the main branch.
    QCOMPARE(branches.assign(shape("main, edited", "fix the bug", 3)), 0);
    // ... and rewrote its first message: still the main branch (latest with that system prompt).
    QCOMPARE(branches.assign(shape("main, edited", "fix the bug, please", 4)), 0);
    QCOMPARE(branches.count(), 3);

    // Bounded: beyond its capacity a new branch is refused, known ones still match.
    SessionBranches bounded(2);
    QCOMPARE(bounded.assign(shape("a", "1", 0)), 0);
    QCOMPARE(bounded.assign(shape("b", "2", 0)), 1);
    QCOMPARE(bounded.assign(shape("c", "3", 0)), -1);
    QCOMPARE(bounded.assign(shape("a", "1", 1)), 0);
    QCOMPARE(bounded.count(), 2);
}

QTEST_GUILESS_MAIN(TestSessionKey)
#include "tst_sessionkey.moc"
