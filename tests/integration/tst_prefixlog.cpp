// SPDX-License-Identifier: MIT
// The prefix doctor's log line through the real server: one line for the turn whose prompt stops
// extending its branch's previous one, none for the turns that extend it. Headless Switchboard has
// no TrafficLog, so the gateway itself must say it.
#include "apiclient.h"
#include "fakebackend.h"
#include "testgateway.h"

#include <QtCore/QMutex>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

namespace {

QMutex linesMutex;
QStringList prefixLines;
QtMessageHandler previousHandler = nullptr;

void collectPrefixLines(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "switchboard.prefix") == 0) {
        QMutexLocker lock(&linesMutex);
        prefixLines.append(message);
        return;
    }
    previousHandler(type, context, message);
}

QStringList takeLines()
{
    QMutexLocker lock(&linesMutex);
    return std::exchange(prefixLines, {});
}

// A Claude Code-like request: the system prompt, then alternating user and assistant texts.
QByteArray request(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"claude-sonnet-4-5","max_tokens":64,"system":[{"type":"text","text":")" +
                      system.toByteArray() + R"(","cache_control":{"type":"ephemeral"}}],"messages":[)";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += (i ? "," : "") + QByteArray(R"({"role":")") + (i % 2 ? "assistant" : "user") +
                R"(","content":[{"type":"text","text":")" + texts.at(i) + "\"}]}";
    }
    body += "]}";
    return body;
}

const QList<QPair<QByteArray, QByteArray>> SessionHeaders{
    {"X-Claude-Code-Session-Id", "sess-1"}, {"User-Agent", "claude-cli/2.1.332"}, {"x-api-key", "client-key"}};

} // namespace

class TestPrefixLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void logsOnlyTheTurnThatBreaksThePrefix_data();
    void logsOnlyTheTurnThatBreaksThePrefix();

private:
    std::unique_ptr<FakeBackend> m_backend;
};

void TestPrefixLog::init()
{
    takeLines();
    previousHandler = qInstallMessageHandler(collectPrefixLines);
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_backend->on("/v1/chat/completions", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/03_chat_basic.json"_s)));
    m_backend->on("/v1/messages", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/10_messages.json"_s)));
}

void TestPrefixLog::cleanup()
{
    m_backend.reset();
    qInstallMessageHandler(previousHandler);
}

void TestPrefixLog::logsOnlyTheTurnThatBreaksThePrefix_data()
{
    QTest::addColumn<bool>("passThrough");
    QTest::addColumn<QString>("where");
    QTest::newRow("Chat Completions backend") << false << u"upstream messages[2] byte 31"_s;
    QTest::newRow("pass-through backend") << true << u"upstream messages[1] byte 54"_s;
}

void TestPrefixLog::logsOnlyTheTurnThatBreaksThePrefix()
{
    QFETCH(bool, passThrough);
    QFETCH(QString, where);
    TestGateway gateway(passThrough ? TestGateway::anthropic(m_backend->baseUrl())
                                    : TestGateway::openAi(m_backend->baseUrl()));
    ApiClient client(gateway.url);
    const auto send = [&](const QByteArray &body) {
        const ApiReply reply = client.post("/v1/messages", body, SessionHeaders);
        QCOMPARE(reply.status, 200);
    };

    send(request("main agent", {"list the files"}));
    send(request("main agent", {"list the files", "two files", "read a.txt"}));
    // A subagent in the same session: its own branch, so not a broken prefix.
    send(request("explorer", {"find the parser"}));
    QCOMPARE(takeLines(), QStringList());

    // The client rewrote its own earlier answer: the prefix breaks there.
    send(request("main agent", {"list the files", "2 files", "read a.txt", "it says hi", "thanks"}));
    const QStringList lines = takeLines();
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith(u"session sess-1 branch 1 turn 3: prefix broken at " + where + u": "),
             qPrintable(lines.first()));
    QVERIFY2(lines.first().contains(u"the client rewrote its own messages[1]"), qPrintable(lines.first()));
    QVERIFY2(lines.first().contains(u"[was: two files"), qPrintable(lines.first()));
    QVERIFY2(lines.first().contains(u"[now: 2 files"), qPrintable(lines.first()));

    // The turns after it extend it again.
    send(request("main agent", {"list the files", "2 files", "read a.txt", "it says hi", "thanks", "ok", "bye"}));
    send(request("explorer", {"find the parser", "core/api", "and the tests"}));
    QCOMPARE(takeLines(), QStringList());
}

QTEST_GUILESS_MAIN(TestPrefixLog)
#include "tst_prefixlog.moc"
