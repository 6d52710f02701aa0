// SPDX-License-Identifier: MIT
// The inspector's Sessions view over a real TrafficLog, driven through ExchangeTaps as the gateway
// would record an agent's turns: the tree of sessions, branches and turns, the chart, and a broken
// turn's diagnosis.
#include "http/httprequest.h"
#include "http/httpresponseparser.h"
#include "inspectorpanel.h"
#include "sessionchart.h"
#include "traffic/exchangetap.h"
#include "traffic/sessiontreemodel.h"
#include "traffic/trafficlog.h"

#include <QtCore/QFile>
#include <QtCore/QUrl>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTreeView>

#include <memory>

using namespace Switchboard::Core;
using namespace Switchboard::Ui;
using namespace Qt::StringLiterals;

namespace {

QByteArray clientBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body = R"({"model":"claude-sonnet-4-5","max_tokens":512,"stream":false,"system":[{"type":"text",)"
                      R"("text":")" +
                      system.toByteArray() + R"(","cache_control":{"type":"ephemeral"}}],"messages":[)";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += (i ? "," : "") + QByteArray(R"({"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" +
                texts.at(i) + "\"}";
    }
    body += "]}";
    return body;
}

QByteArray upstreamBody(QByteArrayView system, const QByteArrayList &texts)
{
    QByteArray body =
        R"({"model":"qwen3-coder","messages":[{"role":"system","content":")" + system.toByteArray() + "\"}";
    for (qsizetype i = 0; i < texts.size(); ++i) {
        body += QByteArray(R"(,{"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":")" + texts.at(i) + "\"}";
    }
    body += R"(],"max_tokens":512})";
    return body;
}

// One Claude Code turn answered by llama.cpp: its timings say how much of the prompt it had cached.
quint64 recordTurn(TrafficLog &log, QByteArrayView system, const QByteArrayList &texts, int cached, int evaluated)
{
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/messages?beta=true";
    request.path = "/v1/messages";
    request.peerAddress = QHostAddress::LocalHost;
    request.peerPort = 41000;
    request.headers = {{"User-Agent", "claude-cli/2.1.332 (external, sdk-cli)"},
                       {"X-Claude-Code-Session-Id", "0bfc5bfb-0bdb-442e-93a0-456e44e0a852"}};
    request.body = clientBody(system, texts);
    const auto tap = log.begin("req_turn", request);
    tap->setRoute("claude-sonnet-4-5", "llama");
    tap->upstreamRequest("POST", QUrl(u"http://127.0.0.1:8080/v1/chat/completions"_s), {}, upstreamBody(system, texts));
    tap->upstreamHead(HttpResponseHead{200, "OK", {{"Content-Type", "application/json"}}});
    tap->upstreamBody(QByteArray(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},)"
                                 R"("finish_reason":"stop"}],"usage":{"prompt_tokens":)" +
                                 QByteArray::number(cached + evaluated) +
                                 R"(,"completion_tokens":4},"timings":{"cache_n":)" + QByteArray::number(cached) +
                                 R"(,"prompt_n":)" + QByteArray::number(evaluated) + R"(,"prompt_ms":)" +
                                 QByteArray::number(evaluated * 0.4) + "}}"));
    tap->upstreamEnd({});
    tap->responseHead(200, {{"content-type", "application/json"}}, false);
    tap->responseBody(
        QByteArray(R"({"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"ok"}],)"
                   R"("stop_reason":"end_turn","usage":{"input_tokens":)" +
                   QByteArray::number(evaluated) + R"(,"cache_read_input_tokens":)" + QByteArray::number(cached) +
                   R"(,"output_tokens":4}})"));
    tap->responseEnd(true);
    return tap->id();
}

} // namespace

class TestSessionsView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void widgets_areNamedAndDescribed();
    void showsSessionTurnsAndABrokenTurnsDiagnosis();

private:
    template<typename T>
    T *child(const QString &name) const
    {
        T *found = m_panel->findChild<T *>(name);
        if (!found) {
            qFatal("no child %s", qPrintable(name));
        }
        return found;
    }
    void recordAgent();

    std::unique_ptr<TrafficLog> m_log;
    std::unique_ptr<InspectorPanel> m_panel;
    quint64 m_brokenExchange = 0;
};

void TestSessionsView::init()
{
    m_log = std::make_unique<TrafficLog>();
    m_panel = std::make_unique<InspectorPanel>(*m_log);
    m_panel->resize(1200, 800);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestSessionsView::cleanup()
{
    m_panel.reset();
    m_log.reset();
}

void TestSessionsView::recordAgent()
{
    const QByteArray main = "You are Claude Code, an interactive CLI tool";
    recordTurn(*m_log, main, {"fix the failing test"}, 0, 9800);
    recordTurn(*m_log, main, {"fix the failing test", "reading it", "go on"}, 9800, 640);
    recordTurn(*m_log, "You are a file search specialist", {"find the parser"}, 0, 3100);
    recordTurn(*m_log, main, {"fix the failing test", "reading it", "go on", "found it", "patch it"}, 10440, 420);
    // The client cleared an old tool result: the engine re-reads from there.
    m_brokenExchange =
        recordTurn(*m_log, main, {"fix the failing test", "[cleared]", "go on", "found it", "patch it", "done", "test"},
                   120, 11300);
    recordTurn(*m_log, "You are a file search specialist", {"find the parser", "core/api", "and the tests?"}, 3100,
               260);
    recordTurn(*m_log, main,
               {"fix the failing test", "[cleared]", "go on", "found it", "patch it", "done", "test", "passes", "ship"},
               11420, 380);
}

void TestSessionsView::widgets_areNamedAndDescribed()
{
    for (const QString &name : {u"inspectorViews"_s, u"sessionsView"_s, u"sessionsTree"_s, u"sessionsChart"_s,
                                u"sessionsDiagnosis"_s, u"sessionsSplitter"_s}) {
        const QWidget *widget = child<QWidget>(name);
        QVERIFY2(name == u"sessionsSplitter"_s || !widget->accessibleName().isEmpty(), qPrintable(name));
    }
    for (const QString &name : {u"inspectorViews"_s, u"sessionsTree"_s, u"sessionsChart"_s, u"sessionsDiagnosis"_s}) {
        QVERIFY2(!child<QWidget>(name)->toolTip().isEmpty(), qPrintable(name));
    }
}

void TestSessionsView::showsSessionTurnsAndABrokenTurnsDiagnosis()
{
    recordAgent();
    auto *views = child<QTabWidget>(u"inspectorViews"_s);
    // Alt+S opens the Sessions tab.
    QTest::keyClick(views, Qt::Key_S, Qt::AltModifier);
    QTRY_COMPARE(views->currentWidget()->objectName(), u"sessionsView"_s);

    auto *tree = child<QTreeView>(u"sessionsTree"_s);
    QAbstractItemModel *model = tree->model();
    QTRY_COMPARE(model->rowCount(), 1);
    const QModelIndex session = model->index(0, 0);
    QCOMPARE(session.data().toString(), u"Session 0bfc5bfb… (7 turns)"_s);
    QCOMPARE(session.data(Qt::ToolTipRole).toString(), u"0bfc5bfb-0bdb-442e-93a0-456e44e0a852"_s);
    QCOMPARE(model->rowCount(session), 2);
    const QModelIndex main = model->index(0, 0, session);
    QVERIFY2(main.data().toString().startsWith(u"main · You are Claude Code"), qPrintable(main.data().toString()));
    QCOMPARE(model->rowCount(main), 5);
    QVERIFY(model->index(1, 0, session).data().toString().startsWith(u"subagent · You are a file search"));
    QCOMPARE(model->rowCount(model->index(1, 0, session)), 2);
    QVERIFY(tree->isExpanded(session));
    QVERIFY(tree->isExpanded(main));

    // By keyboard: from the session down to the main branch's fourth turn, the broken one.
    tree->setFocus();
    tree->setCurrentIndex(session);
    for (int i = 0; i < 5; ++i) {
        QTest::keyClick(tree, Qt::Key_Down);
    }
    const QModelIndex broken = tree->currentIndex();
    QCOMPARE(broken.data(SessionTreeModel::ExchangeIdRole).toULongLong(), m_brokenExchange);
    QCOMPARE(broken.siblingAtColumn(SessionTreeModel::PrefixColumn).data().toString(),
             u"broken at messages[2] byte 31"_s);
    QCOMPARE(broken.siblingAtColumn(SessionTreeModel::CachedColumn).data().toString(), u"120"_s);
    QCOMPARE(broken.siblingAtColumn(SessionTreeModel::EvaluatedColumn).data().toString(), u"11300"_s);

    auto *diagnosis = child<QPlainTextEdit>(u"sessionsDiagnosis"_s);
    QTRY_VERIFY2(diagnosis->toPlainText().contains(u"Cause: the client rewrote its own messages[1]."),
                 qPrintable(diagnosis->toPlainText()));
    QVERIFY(diagnosis->toPlainText().contains(u"upstream messages[2] byte 31"));
    QVERIFY(diagnosis->toPlainText().contains(u"reading it"));
    QVERIFY(diagnosis->toPlainText().contains(u"[cleared]"));

    // The turn's exchange is the table's current row, so the details below show it.
    auto *table = child<QTableView>(u"inspectorTable"_s);
    QTRY_COMPARE(table->currentIndex().data(Qt::UserRole + 1).toULongLong(), m_brokenExchange);

    // The chart shows the main branch: five turns, one broken.
    auto *chart = child<SessionChart>(u"sessionsChart"_s);
    QCOMPARE(chart->points().size(), 5);
    QCOMPARE(chart->points().at(3).brokenPrefix, true);
    QCOMPARE(chart->points().at(3).contextTokens, 11420);
    QVERIFY2(chart->accessibleDescription().contains(u"1 broken"), qPrintable(chart->accessibleDescription()));

    // A turn that extended its branch says so.
    QTest::keyClick(tree, Qt::Key_Down);
    QTRY_VERIFY2(diagnosis->toPlainText() == u"prefix ok"_s, qPrintable(diagnosis->toPlainText()));

    // SWITCHBOARD_SCREENSHOT_DIR=/tmp keeps the picture for a human to look at.
    QTest::keyClick(tree, Qt::Key_Up);
    const QString directory = qEnvironmentVariable("SWITCHBOARD_SCREENSHOT_DIR");
    if (!directory.isEmpty()) {
        QTRY_VERIFY(diagnosis->toPlainText().contains(u"Cause"));
        QVERIFY(m_panel->grab().save(directory + u"/inspector-sessions.png"_s));
    }
}

int main(int argc, char **argv)
{
    // Runs without a display whether or not CTest set the platform.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    TestSessionsView test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sessionsview.moc"
