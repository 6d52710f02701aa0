// SPDX-License-Identifier: MIT
#include "http/httprequest.h"
#include "http/httpresponseparser.h"
#include "inspectorpanel.h"
#include "traffic/exchangetap.h"
#include "traffic/trafficlog.h"
#include "traffic/traffictablemodel.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtGui/QAction>
#include <QtGui/QClipboard>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeWidget>

#include <memory>

using namespace Switchboard::Core;
using namespace Switchboard::Ui;
using namespace Qt::StringLiterals;

namespace {

const QByteArray CanaryKey = "sk-ant-canary-0123456789abcdef0123";
const QByteArray UpstreamCanary = "sk-proj-upstreamcanary0123456789abcdef";

const QByteArray ClientBody =
    R"({"model":"claude-test","max_tokens":64,"stream":true,"system":"Be brief.","stop_sequences":["END"],)"
    R"("messages":[{"role":"user","content":"Say hello"}]})";
const QByteArray UpstreamBody =
    R"({"model":"tiny-llama","max_tokens":64,"stream":true,"stop":["END"],)"
    R"("messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}]})";

const QList<std::pair<QByteArray, QByteArray>> ClientEvents{
    {"message_start",
     R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],)"
     R"("model":"claude-test","usage":{"input_tokens":12,"output_tokens":0}}})"},
    {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", wor"}})"},
    {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ld"}})"},
    {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
    {"message_delta",
     R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}})"},
    {"message_stop", R"({"type":"message_stop"})"},
};

QByteArray frame(const QByteArray &name, const QByteArray &data)
{
    return "event: " + name + "\ndata: " + data + "\n\n";
}

HttpRequest clientRequest(const QString &peer, const QByteArray &path, const QByteArray &body)
{
    HttpRequest request;
    request.method = "POST";
    request.target = path;
    request.path = path;
    request.headers = {{"Host", "127.0.0.1:8321"},
                       {"x-api-key", CanaryKey},
                       {"anthropic-version", "2023-06-01"},
                       {"content-type", "application/json"},
                       {"user-agent", "tst_inspectorpanel/1"}};
    request.body = body;
    request.peerAddress = QHostAddress(peer);
    request.peerPort = 54012;
    return request;
}

// A streamed /v1/messages answered through an OpenAI-style backend, both legs recorded.
std::shared_ptr<ExchangeTap> beginStreamed(TrafficLog &log, const QString &peer = u"127.0.0.1"_s)
{
    auto tap = log.begin("req_streamed", clientRequest(peer, "/v1/messages", ClientBody));
    tap->setRoute("claude-test", "llama");
    tap->upstreamRequest(
        "POST", QUrl(u"http://127.0.0.1:8080/v1/chat/completions"_s),
        {{"Authorization", QByteArray("Bearer " + UpstreamCanary)}, {"Content-Type", "application/json"}},
        UpstreamBody);
    tap->upstreamHead(HttpResponseHead{200, "OK", {{"Content-Type", "text/event-stream"}}});
    tap->responseHead(200, {{"content-type", "text/event-stream"}, {"request-id", "req_streamed"}}, true);
    return tap;
}

void finishStreamed(ExchangeTap &tap)
{
    for (const QByteArray piece : {"Hello", ", wor", "ld"}) {
        tap.upstreamBody(QByteArray(R"(data: {"choices":[{"index":0,"delta":{"content":")" + piece + "\"}}]}\n\n"));
    }
    tap.upstreamBody("data: [DONE]\n\n");
    tap.upstreamEnd({});
    for (const auto &[name, data] : ClientEvents) {
        tap.responseBody(frame(name, data));
    }
    tap.responseEnd(true);
}

void addStreamed(TrafficLog &log, const QString &peer = u"127.0.0.1"_s)
{
    finishStreamed(*beginStreamed(log, peer));
}

void addJson(TrafficLog &log, const QString &peer, const QByteArray &path, int status)
{
    auto tap = log.begin("req_json", clientRequest(peer, path, R"({"model":"claude-test","messages":[]})"));
    tap->responseHead(status, {{"content-type", "application/json"}}, false);
    tap->responseBody(status == 200 ? R"({"input_tokens":3})"
                                    : R"({"type":"error","error":{"type":"invalid_request_error","message":"no"}})");
    tap->responseEnd(true);
}

} // namespace

// The traffic inspector over a real TrafficLog, driven through ExchangeTaps as the gateway would.
class TestInspectorPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void widgets_areNamedDescribedAndExplained();
    void streamedExchange_showsTimelineAndAssembledText();
    void detail_showsRequestResponseUpstreamAndDiff();
    void detail_refreshesWhileStreamIsOpen();
    void filters_hideAndShowRows();
    void clientFilter_listsEachAddressOnce();
    void exports_areRedactedAndParse();
    void copyAsCurl_usesPlaceholderKey();
    void openInPlayground_carriesTheBody();
    void capacity_dropsOldestRows();
    void clear_emptiesTableAndDetail();
    void table_followsNewestUnlessSelected();
    void state_roundTrips();
    void screenshot();

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
    QTableView *table() const { return child<QTableView>(u"inspectorTable"_s); }
    void selectRow(int row);
    void showTab(const QString &title);
    QTreeWidgetItem *diffRow(const QString &text) const;

    std::unique_ptr<TrafficLog> m_log;
    std::unique_ptr<InspectorPanel> m_panel;
};

void TestInspectorPanel::init()
{
    m_log = std::make_unique<TrafficLog>();
    m_panel = std::make_unique<InspectorPanel>(*m_log);
    m_panel->setBaseUrl(u"http://127.0.0.1:8321"_s);
    m_panel->resize(1200, 800);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestInspectorPanel::cleanup()
{
    m_panel.reset();
    m_log.reset();
}

void TestInspectorPanel::selectRow(int row)
{
    QTableView *view = table();
    view->selectionModel()->setCurrentIndex(view->model()->index(row, 0),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void TestInspectorPanel::showTab(const QString &title)
{
    auto *detail = child<QTabWidget>(u"inspectorDetail"_s);
    for (int i = 0; i < detail->count(); ++i) {
        if (detail->tabText(i) == title) {
            detail->setCurrentIndex(i);
            return;
        }
    }
    QFAIL(qPrintable(u"no tab "_s + title));
}

QTreeWidgetItem *TestInspectorPanel::diffRow(const QString &text) const
{
    auto *diff = child<QTreeWidget>(u"inspectorDiff"_s);
    for (int i = 0; i < diff->topLevelItemCount(); ++i) {
        if (diff->topLevelItem(i)->text(0) == text) {
            return diff->topLevelItem(i);
        }
    }
    return nullptr;
}

void TestInspectorPanel::widgets_areNamedDescribedAndExplained()
{
    const QStringList names{u"inspectorFilter"_s,       u"inspectorStatusFilter"_s, u"inspectorClientFilter"_s,
                            u"inspectorCapacity"_s,     u"inspectorExport"_s,       u"inspectorClear"_s,
                            u"inspectorTable"_s,        u"inspectorDetail"_s,       u"inspectorRequestView"_s,
                            u"inspectorResponseView"_s, u"inspectorTimeline"_s,     u"inspectorAssembled"_s,
                            u"inspectorUpstreamView"_s, u"inspectorDiff"_s,         u"inspectorDiffChangesOnly"_s};
    for (const QString &name : names) {
        const QWidget *widget = child<QWidget>(name);
        QVERIFY2(!widget->accessibleName().isEmpty(), qPrintable(name));
        QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(name));
    }
    for (const QString &name : {u"inspectorCopyCurl"_s, u"inspectorOpenInPlayground"_s, u"inspectorExportSelectedHar"_s,
                                u"inspectorExportHarAll"_s, u"inspectorExportJsonlSelected"_s}) {
        QVERIFY2(m_panel->findChild<QAction *>(name), qPrintable(name));
    }
}

void TestInspectorPanel::streamedExchange_showsTimelineAndAssembledText()
{
    addStreamed(*m_log);
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    selectRow(0);

    auto *timeline = child<QTreeWidget>(u"inspectorTimeline"_s);
    QTRY_COMPARE(timeline->topLevelItemCount(), ClientEvents.size());
    const QRegularExpression offset(u"^\\+\\d+\\.\\d{3}$"_s);
    for (int i = 0; i < ClientEvents.size(); ++i) {
        const QTreeWidgetItem *item = timeline->topLevelItem(i);
        QCOMPARE(item->text(2), QString::fromLatin1(ClientEvents.at(i).first));
        QVERIFY2(offset.match(item->text(0)).hasMatch(), qPrintable(item->text(0)));
    }
    QVERIFY(timeline->topLevelItem(2)->text(3).contains(u"text_delta"_s));

    showTab(u"SSE timeline"_s);
    QTRY_COMPARE(child<QPlainTextEdit>(u"inspectorAssembled"_s)->toPlainText(), u"Hello, world"_s);
}

void TestInspectorPanel::detail_showsRequestResponseUpstreamAndDiff()
{
    addStreamed(*m_log);
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    selectRow(0);

    const QString request = child<QPlainTextEdit>(u"inspectorRequestView"_s)->toPlainText();
    QVERIFY(request.startsWith(u"POST /v1/messages HTTP/1.1\n"_s));
    QVERIFY(request.contains(u"\"model\": \"claude-test\""_s)); // indented JSON
    QVERIFY(!request.contains(QString::fromLatin1(CanaryKey)));
    const QString response = child<QPlainTextEdit>(u"inspectorResponseView"_s)->toPlainText();
    QVERIFY(response.startsWith(u"HTTP/1.1 200"_s));
    QVERIFY(response.contains(u"event: message_stop"_s));

    const QString upstream = child<QPlainTextEdit>(u"inspectorUpstreamView"_s)->toPlainText();
    QVERIFY(upstream.contains(u"http://127.0.0.1:8080/v1/chat/completions"_s));
    QVERIFY(upstream.contains(u"POST /v1/chat/completions HTTP/1.1"_s));
    QVERIFY(upstream.contains(u"\"model\": \"tiny-llama\""_s));
    QVERIFY(upstream.contains(u"Attempts: 1"_s));
    QVERIFY(upstream.contains(u"data: [DONE]"_s)); // the backend's raw stream
    QVERIFY(!upstream.contains(QString::fromLatin1(UpstreamCanary)));

    QTreeWidgetItem *dropped = diffRow(u"− stop_sequences[0]"_s);
    QVERIFY(dropped);
    QVERIFY(!dropped->isHidden());
    QCOMPARE(dropped->text(1), u"\"END\""_s); // JSON values, so "1" and 1 differ
    QTreeWidgetItem *rewritten = diffRow(u"~ model"_s);
    QVERIFY(rewritten);
    QCOMPARE(rewritten->text(1), u"\"claude-test\""_s);
    QCOMPARE(rewritten->text(2), u"\"tiny-llama\""_s);
    QVERIFY(rewritten->foreground(0).color() != dropped->foreground(0).color());
    QVERIFY(diffRow(u"+ stop[0]"_s));

    // "Changes only" (the default) hides what the backend received unchanged.
    QTreeWidgetItem *same = diffRow(u"  max_tokens"_s);
    QVERIFY(same);
    QVERIFY(same->isHidden());
    child<QCheckBox>(u"inspectorDiffChangesOnly"_s)->setChecked(false);
    QVERIFY(!same->isHidden());
    child<QCheckBox>(u"inspectorDiffChangesOnly"_s)->setChecked(true);
    QVERIFY(same->isHidden());
}

void TestInspectorPanel::detail_refreshesWhileStreamIsOpen()
{
    auto tap = beginStreamed(*m_log);
    tap->responseBody(frame(ClientEvents.at(0).first, ClientEvents.at(0).second));
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    QCOMPARE(table()->model()->index(0, 0).data(TrafficTableModel::StatusClassRole).toString(), u"2xx"_s);
    selectRow(0);
    showTab(u"SSE timeline"_s);
    auto *timeline = child<QTreeWidget>(u"inspectorTimeline"_s);
    QTRY_COMPARE(timeline->topLevelItemCount(), 1);

    auto *response = child<QPlainTextEdit>(u"inspectorResponseView"_s);
    for (int i = 1; i < 5; ++i) {
        tap->responseBody(frame(ClientEvents.at(i).first, ClientEvents.at(i).second));
    }
    QTRY_COMPARE(timeline->topLevelItemCount(), 5);
    QTRY_VERIFY(response->toPlainText().contains(u"\"text\":\"ld\""_s));
    QTRY_COMPARE(child<QPlainTextEdit>(u"inspectorAssembled"_s)->toPlainText(), u"Hello, world"_s);

    for (int i = 5; i < ClientEvents.size(); ++i) {
        tap->responseBody(frame(ClientEvents.at(i).first, ClientEvents.at(i).second));
    }
    tap->responseEnd(true);
    QTRY_COMPARE(timeline->topLevelItemCount(), ClientEvents.size());
    QCOMPARE(timeline->topLevelItem(ClientEvents.size() - 1)->text(2), u"message_stop"_s);
}

void TestInspectorPanel::filters_hideAndShowRows()
{
    addStreamed(*m_log);
    addJson(*m_log, u"10.0.0.5"_s, "/v1/messages/count_tokens", 400);
    auto open = m_log->begin("req_open", clientRequest(u"127.0.0.1"_s, "/v1/messages", ClientBody));
    QAbstractItemModel *rows = table()->model();
    QTRY_COMPARE(rows->rowCount(), 3);

    auto *filter = child<QLineEdit>(u"inspectorFilter"_s);
    filter->setText(u"COUNT_TOKENS"_s);
    QCOMPARE(rows->rowCount(), 1);
    filter->setText(u"LLAMA"_s); // the backend column, any case
    QCOMPARE(rows->rowCount(), 1);
    filter->setText(u"no such thing"_s);
    QCOMPARE(rows->rowCount(), 0);
    filter->clear();
    QCOMPARE(rows->rowCount(), 3);

    auto *status = child<QComboBox>(u"inspectorStatusFilter"_s);
    const auto pickStatus = [status](const QString &statusClass) {
        status->setCurrentIndex(status->findData(statusClass));
    };
    pickStatus(u"4xx"_s);
    QCOMPARE(rows->rowCount(), 1);
    QCOMPARE(rows->index(0, 6).data().toString(), u"400"_s);
    pickStatus(u"open"_s);
    QCOMPARE(rows->rowCount(), 1);
    pickStatus(u"2xx"_s);
    QCOMPARE(rows->rowCount(), 1);
    pickStatus(u"5xx"_s);
    QCOMPARE(rows->rowCount(), 0);

    // An open exchange that gets its answer leaves the "open" filter as it happens.
    pickStatus(u"open"_s);
    open->responseHead(200, {{"content-type", "application/json"}}, false);
    QTRY_COMPARE(rows->rowCount(), 0);
    pickStatus(QString());
    QCOMPARE(rows->rowCount(), 3);

    auto *client = child<QComboBox>(u"inspectorClientFilter"_s);
    client->setCurrentIndex(client->findData(u"10.0.0.5"_s));
    QCOMPARE(rows->rowCount(), 1);
    client->setCurrentIndex(client->findData(u"127.0.0.1"_s));
    QCOMPARE(rows->rowCount(), 2);
    filter->setText(u"count_tokens"_s); // the filters combine
    QCOMPARE(rows->rowCount(), 0);
    client->setCurrentIndex(0);
    QCOMPARE(rows->rowCount(), 1);
}

void TestInspectorPanel::clientFilter_listsEachAddressOnce()
{
    addStreamed(*m_log);
    addStreamed(*m_log, u"192.168.1.20"_s);
    addJson(*m_log, u"127.0.0.1"_s, "/v1/models", 200);
    QTRY_COMPARE(table()->model()->rowCount(), 3);
    auto *client = child<QComboBox>(u"inspectorClientFilter"_s);
    QCOMPARE(client->count(), 3); // all, 127.0.0.1, 192.168.1.20
    QVERIFY(client->findData(u"127.0.0.1"_s) > 0);
    QVERIFY(client->findData(u"192.168.1.20"_s) > 0);
}

void TestInspectorPanel::exports_areRedactedAndParse()
{
    addStreamed(*m_log);
    addJson(*m_log, u"10.0.0.5"_s, "/v1/messages", 400);
    QTRY_COMPARE(table()->model()->rowCount(), 2);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const QString har = dir.filePath(u"all.har"_s);
    QVERIFY(m_panel->exportTo(har, InspectorPanel::Format::Har, false));
    QFile harFile(har);
    QVERIFY(harFile.open(QIODevice::ReadOnly));
    const QByteArray harBytes = harFile.readAll();
    QVERIFY(!harBytes.contains(CanaryKey));
    QVERIFY(!harBytes.contains(UpstreamCanary));
    QJsonParseError error;
    const QJsonDocument harDocument = QJsonDocument::fromJson(harBytes, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    // The streamed exchange has two legs, the refused one only the client's.
    QCOMPARE(harDocument[u"log"_s][u"entries"_s].toArray().size(), 3);

    const QString jsonl = dir.filePath(u"all.jsonl"_s);
    QVERIFY(m_panel->exportTo(jsonl, InspectorPanel::Format::JsonLines, false));
    QFile jsonlFile(jsonl);
    QVERIFY(jsonlFile.open(QIODevice::ReadOnly));
    const QByteArray jsonlBytes = jsonlFile.readAll();
    QVERIFY(!jsonlBytes.contains(CanaryKey));
    QVERIFY(!jsonlBytes.contains(UpstreamCanary));
    const QList<QByteArray> lines = jsonlBytes.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    for (const QByteArray &line : lines) {
        QVERIFY(QJsonDocument::fromJson(line, &error).isObject());
        QCOMPARE(error.error, QJsonParseError::NoError);
    }
    QCOMPARE(QJsonDocument::fromJson(lines.at(0))[u"client_response"_s][u"events"_s].toArray().size(),
             ClientEvents.size());

    // Selected only: nothing selected is nothing to write; one row is one line.
    QVERIFY(!m_panel->exportTo(dir.filePath(u"none.jsonl"_s), InspectorPanel::Format::JsonLines, true));
    selectRow(1);
    const QString selected = dir.filePath(u"selected.jsonl"_s);
    QVERIFY(m_panel->exportTo(selected, InspectorPanel::Format::JsonLines, true));
    QFile selectedFile(selected);
    QVERIFY(selectedFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> selectedLines = selectedFile.readAll().trimmed().split('\n');
    QCOMPARE(selectedLines.size(), 1);
    QCOMPARE(QJsonDocument::fromJson(selectedLines.at(0))[u"status"_s].toInt(), 400);
}

void TestInspectorPanel::copyAsCurl_usesPlaceholderKey()
{
    addStreamed(*m_log);
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    QGuiApplication::clipboard()->clear();
    selectRow(0);
    child<QAction>(u"inspectorCopyCurl"_s)->trigger();
    const QString curl = QGuiApplication::clipboard()->text();
    QVERIFY2(curl.startsWith(u"curl -N 'http://127.0.0.1:8321/v1/messages'"_s), qPrintable(curl));
    QVERIFY(curl.contains(u"$ANTHROPIC_API_KEY"_s));
    QVERIFY(!curl.contains(QString::fromLatin1(CanaryKey)));
    QVERIFY(curl.contains(u"Say hello"_s));
}

void TestInspectorPanel::openInPlayground_carriesTheBody()
{
    addStreamed(*m_log);
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    QSignalSpy spy(m_panel.get(), &InspectorPanel::openInPlayground);
    selectRow(0);
    child<QAction>(u"inspectorOpenInPlayground"_s)->trigger();
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), ClientBody);
}

void TestInspectorPanel::capacity_dropsOldestRows()
{
    for (int i = 0; i < 5; ++i) {
        addJson(*m_log, u"127.0.0.1"_s, "/v1/messages/count_tokens", 200);
    }
    QTRY_COMPARE(table()->model()->rowCount(), 5);
    const quint64 newest = table()->model()->index(4, 0).data(TrafficTableModel::ExchangeIdRole).toULongLong();
    auto *capacity = child<QSpinBox>(u"inspectorCapacity"_s);
    QCOMPARE(capacity->value(), m_log->capacity());
    capacity->setValue(2);
    QCOMPARE(m_log->capacity(), 2);
    QTRY_COMPARE(table()->model()->rowCount(), 2);
    QCOMPARE(table()->model()->index(1, 0).data(TrafficTableModel::ExchangeIdRole).toULongLong(), newest);
    m_log->setCapacity(300); // the spin box follows a change made elsewhere
    QCOMPARE(capacity->value(), 300);
}

void TestInspectorPanel::clear_emptiesTableAndDetail()
{
    addStreamed(*m_log, u"10.9.8.7"_s);
    QTRY_COMPARE(table()->model()->rowCount(), 1);
    selectRow(0);
    auto *timeline = child<QTreeWidget>(u"inspectorTimeline"_s);
    QTRY_COMPARE(timeline->topLevelItemCount(), ClientEvents.size());
    child<QToolButton>(u"inspectorClear"_s)->click();
    QTRY_COMPARE(table()->model()->rowCount(), 0);
    QCOMPARE(timeline->topLevelItemCount(), 0);
    QVERIFY(!child<QPlainTextEdit>(u"inspectorRequestView"_s)->toPlainText().contains(u"POST"_s));
    QCOMPARE(child<QComboBox>(u"inspectorClientFilter"_s)->count(), 1);
}

void TestInspectorPanel::table_followsNewestUnlessSelected()
{
    for (int i = 0; i < 80; ++i) {
        addJson(*m_log, u"127.0.0.1"_s, "/v1/messages/count_tokens", 200);
    }
    QTRY_COMPARE(table()->model()->rowCount(), 80);
    QScrollBar *bar = table()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // A reader who picked a row keeps it in view while more arrive.
    table()->scrollToTop();
    selectRow(0);
    for (int i = 0; i < 20; ++i) {
        addJson(*m_log, u"127.0.0.1"_s, "/v1/messages/count_tokens", 200);
    }
    QTRY_COMPARE(table()->model()->rowCount(), 100);
    QCOMPARE(bar->value(), 0);
}

void TestInspectorPanel::state_roundTrips()
{
    auto *splitter = child<QSplitter>(u"inspectorSplitter"_s);
    splitter->setSizes({150, 500});
    const QList<int> sizes = splitter->sizes();
    const QByteArray state = m_panel->saveState();
    splitter->setSizes({400, 250});
    QVERIFY(splitter->sizes() != sizes);
    m_panel->restoreState(state);
    QCOMPARE(splitter->sizes(), sizes);
    m_panel->restoreState("garbage"); // ignored, not half-applied
    QCOMPARE(splitter->sizes(), sizes);
}

void TestInspectorPanel::screenshot()
{
    addStreamed(*m_log);
    addJson(*m_log, u"10.0.0.5"_s, "/v1/messages", 400);
    addJson(*m_log, u"127.0.0.1"_s, "/v1/messages/count_tokens", 200);
    {
        auto failing = m_log->begin("req_529", clientRequest(u"127.0.0.1"_s, "/v1/messages", ClientBody));
        failing->setRoute("claude-test", "llama");
        failing->responseHead(529, {{"content-type", "application/json"}}, false);
        failing->responseBody(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
        failing->responseEnd(true);
        auto gone = beginStreamed(*m_log, u"192.168.1.20"_s);
        gone->responseBody(frame(ClientEvents.at(0).first, ClientEvents.at(0).second));
        gone->clientGone();
    }
    auto open = beginStreamed(*m_log);
    open->responseBody(frame(ClientEvents.at(0).first, ClientEvents.at(0).second));
    QTRY_COMPARE(table()->model()->rowCount(), 6);
    selectRow(0);
    showTab(u"SSE timeline"_s);
    QTRY_COMPARE(child<QPlainTextEdit>(u"inspectorAssembled"_s)->toPlainText(), u"Hello, world"_s);

    const QImage light = m_panel->grab().toImage();
    QVERIFY(!light.isNull());
    // SWITCHBOARD_SCREENSHOT_DIR=/tmp keeps the pictures for a human to look at.
    const QString directory = qEnvironmentVariable("SWITCHBOARD_SCREENSHOT_DIR");
    if (!directory.isEmpty()) {
        QVERIFY(light.save(directory + u"/inspector.png"_s));
        showTab(u"Diff"_s);
        QVERIFY(m_panel->grab().save(directory + u"/inspector-diff.png"_s));
        showTab(u"Upstream"_s);
        QVERIFY(m_panel->grab().save(directory + u"/inspector-upstream.png"_s));
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::Button, QColor(0x33, 0x33, 0x33));
        dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
        m_panel->setPalette(dark);
        showTab(u"Diff"_s);
        QVERIFY(m_panel->grab().save(directory + u"/inspector-dark.png"_s));
    }
}

int main(int argc, char **argv)
{
    // Runs without a display whether or not CTest set the platform.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    TestInspectorPanel test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_inspectorpanel.moc"
