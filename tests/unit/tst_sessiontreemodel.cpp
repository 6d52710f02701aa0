// SPDX-License-Identifier: MIT
// The inspector's sessions: exchanges in a TrafficLog grouped into sessions, branches and turns,
// with each turn's figures and prefix verdict.
#include "http/httprequest.h"
#include "http/httpresponseparser.h"
#include "traffic/exchangetap.h"
#include "traffic/sessiontreemodel.h"
#include "traffic/trafficlog.h"
#include "traffic/turnfigures.h"

#include <QtCore/QFile>
#include <QtCore/QUrl>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;
using Model = SessionTreeModel;

namespace {

QByteArray clientBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"m","max_tokens":9,"system":")" + system.toByteArray() + R"(","messages":[)";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += (i ? "," : "") + QByteArray(R"({"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" +
                texts.at(i) + "\"}";
    }
    body += "]}";
    return body;
}

QByteArray upstreamBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"u","messages":[{"role":"system","content":")" + system.toByteArray() + "\"}";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += QByteArray(R"(,{"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" + texts.at(i) + "\"}";
    }
    body += "]}";
    return body;
}

QByteArray fixture(const QString &name)
{
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u'/' + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const QByteArray JsonAnswer =
    R"({"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"ok"},)"
    R"({"type":"tool_use","id":"toolu_1","name":"ls","input":{}}],"stop_reason":"tool_use",)"
    R"("usage":{"input_tokens":6,"cache_read_input_tokens":27,"cache_creation_input_tokens":0,"output_tokens":5}})";

// One Messages exchange as the gateway records it: the client's request, the upstream request and
// its streamed answer (llama.cpp's, with timings), and the answer to the client.
quint64 recordTurn(TrafficLog &log, QByteArrayView session, QByteArrayView system, const QByteArrayList &texts)
{
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/messages?beta=true";
    request.path = "/v1/messages";
    request.peerAddress = QHostAddress::LocalHost;
    request.peerPort = 40000;
    request.headers.append("User-Agent", "claude-cli/2.1.332");
    if (!session.isEmpty()) {
        request.headers.append("X-Claude-Code-Session-Id", session.toByteArray());
    }
    request.body = clientBody(system, texts);
    const auto tap = log.begin("req_1", request);
    tap->upstreamRequest("POST", QUrl(u"http://127.0.0.1:8080/v1/chat/completions"_s), {}, upstreamBody(system, texts));
    HttpResponseHead head;
    head.status = 200;
    head.headers.append("Content-Type", "text/event-stream");
    tap->upstreamHead(head);
    tap->upstreamBody(fixture(u"llama-cpp/07_chat_stream_usage.sse"_s));
    tap->upstreamEnd({});
    tap->responseHead(200, {{"Content-Type", "application/json"}}, false);
    tap->responseBody(JsonAnswer);
    tap->responseEnd(true);
    return tap->id();
}

} // namespace

class TestSessionTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void groupsSessionsBranchesAndTurns();
    void turnFigures();
    void clearEmptiesTheTree();
    void forgetsTurnsTheRingDropped();
};

void TestSessionTreeModel::groupsSessionsBranchesAndTurns()
{
    TrafficLog log;
    Model model(log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    recordTurn(log, "sess-a", "main", {"fix it"});
    recordTurn(log, "sess-a", "main", {"fix it", "looking", "go on"});
    recordTurn(log, "sess-a", "explorer", {"find the parser"});
    const quint64 rewritten = recordTurn(log, "sess-a", "main", {"fix it", "LOOKING", "go on", "done", "thanks"});
    recordTurn(log, "sess-a", "explorer", {"find the parser", "core/api", "tests too"});
    recordTurn(log, "sess-b", "main", {"hello"});
    QTRY_COMPARE(model.rowCount(), 2);

    const QModelIndex a = model.index(0, 0);
    QVERIFY2(a.data().toString().startsWith(u"Session sess-a (5 turns)"), qPrintable(a.data().toString()));
    QCOMPARE(model.index(0, Model::PrefixColumn).data().toString(), u"1 broken"_s);
    QCOMPARE(model.rowCount(a), 2);
    const QModelIndex main = model.index(0, 0, a);
    const QModelIndex explorer = model.index(1, 0, a);
    QCOMPARE(main.data().toString(), u"main · main"_s);
    QCOMPARE(explorer.data().toString(), u"subagent · explorer"_s);
    QCOMPARE(model.rowCount(main), 3);
    QCOMPARE(model.rowCount(explorer), 2);

    const auto prefix = [&](const QModelIndex &branch, int turn) {
        return model.index(turn, Model::PrefixColumn, branch).data().toString();
    };
    QCOMPARE(prefix(main, 0), u"first"_s);
    QCOMPARE(prefix(main, 1), u"ok"_s);
    QCOMPARE(prefix(main, 2), u"broken at messages[2] byte 31"_s);
    QCOMPARE(prefix(explorer, 0), u"first"_s);
    QCOMPARE(prefix(explorer, 1), u"ok"_s);

    const QModelIndex brokenTurn = model.index(2, 0, main);
    QCOMPARE(brokenTurn.data(Model::ExchangeIdRole).toULongLong(), rewritten);
    QVERIFY(brokenTurn.data(Model::BrokenPrefixRole).toBool());
    QVERIFY2(brokenTurn.data(Model::DiagnosisRole).toString().contains(u"the client rewrote its own messages[1]"),
             qPrintable(brokenTurn.data(Model::DiagnosisRole).toString()));
    QCOMPARE(model.indexOfExchange(rewritten), brokenTurn);
    QCOMPARE(model.parent(brokenTurn), main);

    const QList<SessionTurnPoint> points = model.turnPoints(a); // the longest branch: main
    QCOMPARE(points.size(), 3);
    QCOMPARE(points.at(2).brokenPrefix, true);
    QCOMPARE(points.at(0).contextTokens, 33);
    QCOMPARE(model.turnPoints(explorer).size(), 2);

    const QModelIndex b = model.index(1, 0);
    QCOMPARE(model.rowCount(b), 1);
    QCOMPARE(model.index(0, 0, b).data().toString(), u"main · main"_s);
}

void TestSessionTreeModel::turnFigures()
{
    TrafficLog log;
    const quint64 id = recordTurn(log, "sess-a", "main", {"fix it"});
    const TurnFigures figures = TurnFigures::fromRecord(*log.record(id));
    QCOMPARE(figures.contextTokens, 33);  // 6 + 27 + 0
    QCOMPARE(figures.cachedTokens, 27);   // llama.cpp's timings.cache_n
    QCOMPARE(figures.evaluatedTokens, 6); // timings.prompt_n
    QCOMPARE(figures.promptMs, 1.29);
    QCOMPARE(figures.toolCalls, 1);

    Model model(log);
    QTRY_COMPARE(model.rowCount(), 1);
    const QModelIndex turn = model.index(0, 0, model.index(0, 0, model.index(0, 0)));
    QCOMPARE(turn.siblingAtColumn(Model::ContextColumn).data().toString(), u"33"_s);
    QCOMPARE(turn.siblingAtColumn(Model::CachedColumn).data().toString(), u"27"_s);
    QCOMPARE(turn.siblingAtColumn(Model::EvaluatedColumn).data().toString(), u"6"_s);
    QCOMPARE(turn.siblingAtColumn(Model::PromptMsColumn).data().toString(), u"1.3"_s);
    QCOMPARE(turn.siblingAtColumn(Model::ToolsColumn).data().toString(), u"1"_s);
}

void TestSessionTreeModel::clearEmptiesTheTree()
{
    TrafficLog log;
    Model model(log);
    recordTurn(log, "sess-a", "main", {"fix it"});
    QTRY_COMPARE(model.rowCount(), 1);
    log.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.indexOfExchange(1).isValid());
}

void TestSessionTreeModel::forgetsTurnsTheRingDropped()
{
    TrafficLog log(2);
    Model model(log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto turnsShown = [&model] {
        return model.rowCount(model.index(0, 0, model.index(0, 0)));
    };
    QByteArrayList texts{"go"};
    for (int turn = 1; turn <= 4; ++turn) {
        recordTurn(log, "sess-a", "main", texts);
        texts << "ok"
              << "more";
        QTRY_COMPARE(turnsShown(), turn); // kept while within twice the ring's size
    }
    recordTurn(log, "sess-a", "main", texts);
    QTRY_COMPARE(turnsShown(), 2);
    const QModelIndex branch = model.index(0, 0, model.index(0, 0));
    QCOMPARE(model.index(1, Model::PrefixColumn, branch).data().toString(), u"ok"_s);
    const quint64 newest = model.index(1, 0, branch).data(Model::ExchangeIdRole).toULongLong();
    QCOMPARE(newest, quint64(5));
    QCOMPARE(model.indexOfExchange(newest), model.index(1, 0, branch));
    QVERIFY(!model.indexOfExchange(1).isValid());
}

QTEST_GUILESS_MAIN(TestSessionTreeModel)
#include "tst_sessiontreemodel.moc"
