// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "testgateway.h"
#include "traffic/exchangetap.h"
#include "traffic/requestdiff.h"
#include "traffic/trafficexport.h"
#include "traffic/trafficlog.h"
#include "traffic/traffictablemodel.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;
using Core::ExchangeRecord;

// The traffic recorder against the real server: both legs of each exchange, the SSE timelines,
// the figures, the ring's bound, and exports that never carry a secret.
class TestTraffic final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void stream_recordsBothLegsAndTimelines();
    void json_recordsUsageAndTimings();
    void invalidRequest_isRecordedWithItsError();
    void clientThatLeaves_isMarked();
    void ring_keepsTheNewest();
    void tableModel_followsTheLog();
    void tableModel_showsThePromptAndWhatWasCached();
    void exports_neverCarryTheKey();
    void curl_usesAPlaceholderForTheKey();
    void diff_marksDroppedRewrittenAndAdded();

private:
    ExchangeRecord waitForFinished(quint64 id);

    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<Core::TrafficLog> m_log;
};

namespace {

const QByteArray Canary = "sk-ant-api03-canaryCANARYcanary0123456789abcdefABCDEF";

QByteArray streamRequest(int maxTokens = 64)
{
    return R"({"model":"local-model","max_tokens":)" + QByteArray::number(maxTokens) +
           R"(,"temperature":0.5,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":"hi"}]})";
}

// Every byte the recorder keeps for an exchange, before any export redacts it again.
QByteArray everythingStored(const ExchangeRecord &record)
{
    QByteArray all =
        record.path + record.userAgent + record.model + record.upstreamUrl.toUtf8() + record.upstreamError.toUtf8();
    for (const Core::CapturedMessage *message :
         {&record.clientRequest, &record.clientResponse, &record.upstreamRequest, &record.upstreamResponse}) {
        all += message->startLine + message->body;
        for (const auto &[name, value] : message->headers.fields()) {
            all += name + value;
        }
        for (const auto &event : message->events) {
            all += event.name + event.data;
        }
    }
    return all;
}

} // namespace

void TestTraffic::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_log = std::make_unique<Core::TrafficLog>(50);
}

void TestTraffic::cleanup()
{
    m_log.reset();
    m_backend.reset();
}

ExchangeRecord TestTraffic::waitForFinished(quint64 id)
{
    std::optional<ExchangeRecord> record;
    [&] {
        QTRY_VERIFY((record = m_log->record(id)) && record->durationUs >= 0);
    }();
    return record.value_or(ExchangeRecord{});
}

void TestTraffic::stream_recordsBothLegsAndTimelines()
{
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QSignalSpy added(m_log.get(), &Core::TrafficLog::exchangeAdded);
    const ApiReply reply = client.post("/v1/messages", streamRequest(), {{"x-api-key", Canary}});
    QCOMPARE(reply.status, 200);
    QTRY_COMPARE(added.count(), 1);

    const ExchangeRecord record = waitForFinished(added.first().first().toULongLong());
    QCOMPARE(record.state, ExchangeRecord::State::Complete);
    QCOMPARE(record.method, QByteArray("POST"));
    QCOMPARE(record.path, QByteArray("/v1/messages"));
    QCOMPARE(record.model, QByteArray("local-model"));
    QCOMPARE(record.backend, QByteArray("fake"));
    QCOMPARE(record.status, 200);
    QVERIFY(record.requestId.startsWith("req_"));
    QVERIFY(record.clientAddress.startsWith(u"127.0.0.1:"_s));
    QVERIFY(record.timeToFirstByteUs >= 0);
    QVERIFY(record.timeToFirstTokenUs >= record.timeToFirstByteUs);
    QVERIFY(record.durationUs >= record.timeToFirstTokenUs);
    QVERIFY(record.inputTokens > 0);
    QVERIFY(record.outputTokens > 0);

    // The client leg: its request (key masked) and every event Switchboard sent, in order.
    QVERIFY(!record.clientRequest.headers.value("x-api-key").contains(Canary));
    QVERIFY(record.clientRequest.headers.value("x-api-key").contains("[redacted]"));
    QCOMPARE(record.clientRequest.body, streamRequest());
    QVERIFY(record.clientResponse.streaming);
    QCOMPARE(record.clientResponse.body, reply.body);
    QList<QByteArray> names;
    for (const auto &event : record.clientResponse.events) {
        names << event.name;
    }
    QCOMPARE(names, reply.eventNames());
    QCOMPARE(names.first(), QByteArray("message_start"));
    QCOMPARE(names.last(), QByteArray("message_stop"));
    for (qsizetype i = 1; i < record.clientResponse.events.size(); ++i) {
        QVERIFY(record.clientResponse.events[i].offsetUs >= record.clientResponse.events[i - 1].offsetUs);
    }

    // The upstream leg: the translated Chat Completions request and the backend's own stream.
    QVERIFY(record.upstreamUrl.endsWith(u"/v1/chat/completions"_s));
    QVERIFY(record.upstreamRequest.startLine.startsWith("POST /v1/chat/completions"));
    const QJsonObject upstream = QJsonDocument::fromJson(record.upstreamRequest.body).object();
    QCOMPARE(upstream[u"model"_s].toString(), u"local-model"_s);
    QCOMPARE(upstream[u"messages"_s].toArray().first().toObject()[u"role"_s].toString(), u"system"_s);
    QCOMPARE(record.upstreamRequest.body, m_backend->lastRequest().body);
    QVERIFY(record.upstreamResponse.startLine.startsWith("HTTP/1.1 200"));
    QVERIFY(record.upstreamResponse.streaming);
    QVERIFY(!record.upstreamResponse.events.isEmpty());
    QCOMPARE(record.upstreamResponse.events.last().data, QByteArray("[DONE]"));
    QCOMPARE(record.upstreamAttempts, 1);
    QVERIFY(record.upstreamError.isEmpty());
}

void TestTraffic::json_recordsUsageAndTimings()
{
    m_backend->on("/v1/chat/completions", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/03_chat_basic.json"_s)));
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QSignalSpy added(m_log.get(), &Core::TrafficLog::exchangeAdded);
    const ApiReply reply =
        client.post("/v1/messages", R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})");
    QCOMPARE(reply.status, 200);
    QTRY_COMPARE(added.count(), 1);
    const ExchangeRecord record = waitForFinished(added.first().first().toULongLong());
    const QJsonObject usage = QJsonDocument::fromJson(reply.body).object()[u"usage"_s].toObject();
    QCOMPARE(record.inputTokens, usage[u"input_tokens"_s].toInt());
    QCOMPARE(record.outputTokens, usage[u"output_tokens"_s].toInt());
    QVERIFY(!record.clientResponse.streaming);
    QCOMPARE(record.clientResponse.body, reply.body);
    QCOMPARE(record.timeToFirstTokenUs, -1);
    QVERIFY(!record.upstreamResponse.streaming);
    QCOMPARE(record.upstreamResponse.body, FakeBackend::fixture(u"llama-cpp/03_chat_basic.json"_s));
}

void TestTraffic::invalidRequest_isRecordedWithItsError()
{
    TestGateway gateway(TestGateway::simulator());
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QSignalSpy added(m_log.get(), &Core::TrafficLog::exchangeAdded);
    const ApiReply reply = client.post("/v1/messages", R"({"model":"m","messages":[]})");
    QCOMPARE(reply.status, 400);
    QTRY_COMPARE(added.count(), 1);
    const ExchangeRecord record = waitForFinished(added.first().first().toULongLong());
    QCOMPARE(record.status, 400);
    QCOMPARE(record.state, ExchangeRecord::State::Failed);
    QVERIFY(record.clientResponse.body.contains("invalid_request_error"));
    QVERIFY(!record.upstreamRequest.present);
}

void TestTraffic::clientThatLeaves_isMarked()
{
    TestGateway gateway(TestGateway::simulator(5)); // slow enough to leave mid-stream
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QSignalSpy added(m_log.get(), &Core::TrafficLog::exchangeAdded);
    QNetworkRequest request = client.request("/v1/messages");
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    QNetworkReply *reply = client.network().post(request, streamRequest(400));
    QTRY_VERIFY(reply->bytesAvailable() > 0);
    reply->abort();
    reply->deleteLater();
    QTRY_COMPARE(added.count(), 1);
    const ExchangeRecord record = waitForFinished(added.first().first().toULongLong());
    QCOMPARE(record.state, ExchangeRecord::State::ClientGone);
    QCOMPARE(record.status, 200);
}

void TestTraffic::ring_keepsTheNewest()
{
    m_log->setCapacity(3);
    TestGateway gateway(TestGateway::simulator());
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(client.get("/v1/models").status, 200);
    }
    const QList<quint64> ids = m_log->ids();
    QCOMPARE(ids.size(), 3);
    QCOMPARE(ids.last() - ids.first(), quint64(2));
    QVERIFY(!m_log->record(ids.first() - 1));
    QVERIFY(m_log->record(ids.last()));
}

void TestTraffic::tableModel_followsTheLog()
{
    m_log->setCapacity(4);
    Core::TrafficTableModel model(*m_log);
    TestGateway gateway(TestGateway::simulator());
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    for (int i = 0; i < 6; ++i) {
        client.post("/v1/messages", R"({"model":"sim","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})");
    }
    QTRY_COMPARE(model.rowCount(), 4);
    QTRY_COMPARE(model.index(3, Core::TrafficTableModel::StatusColumn).data().toString(), u"200"_s);
    QCOMPARE(model.index(3, Core::TrafficTableModel::MethodColumn).data().toString(), u"POST"_s);
    QCOMPARE(model.index(3, Core::TrafficTableModel::ModelColumn).data().toString(), u"sim"_s);
    QCOMPARE(model.index(3, Core::TrafficTableModel::BackendColumn).data().toString(), u"simulator"_s);
    QCOMPARE(model.index(3, 0).data(Core::TrafficTableModel::StatusClassRole).toString(), u"2xx"_s);
    QVERIFY(model.index(3, Core::TrafficTableModel::TokensColumn).data().toString().contains(u"→"_s));
    QCOMPARE(model.exchangeId(3), m_log->ids().last());
    m_log->clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestTraffic::tableModel_showsThePromptAndWhatWasCached()
{
    // llama.cpp's stream says 33 prompt tokens, 27 of them from its cache: the client is told
    // input_tokens 6 and cache_read_input_tokens 27, and the table shows the whole prompt.
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    Core::TrafficTableModel model(*m_log);
    TestGateway gateway(TestGateway::openAi(m_backend->baseUrl()));
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QCOMPARE(client.post("/v1/messages", streamRequest()).status, 200);
    QTRY_COMPARE(model.rowCount(), 1);
    QTRY_VERIFY(model.index(0, Core::TrafficTableModel::TokensColumn).data().toString().endsWith(u"(27 cached)"_s));
    QVERIFY2(model.index(0, Core::TrafficTableModel::TokensColumn).data().toString().startsWith(u"33 → "_s),
             qPrintable(model.index(0, Core::TrafficTableModel::TokensColumn).data().toString()));
}

void TestTraffic::exports_neverCarryTheKey()
{
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    TestGateway gateway(config);
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    // The key in a header, in the URL and pasted into the prompt.
    const QByteArray body =
        R"({"model":"m","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"my key is )" + Canary +
        R"("}]})";
    QCOMPARE(client.post("/v1/messages?key=" + Canary, body, {{"authorization", "Bearer " + Canary}}).status, 200);
    QTRY_COMPARE(m_log->ids().size(), 1);
    const ExchangeRecord record = waitForFinished(m_log->ids().first());
    const QByteArray har = Core::TrafficExport::har({record});
    const QByteArray lines = Core::TrafficExport::jsonLines({record});
    const QString curl = Core::TrafficExport::curl(record, gateway.url.toString());
    QVERIFY(!har.contains(Canary));
    QVERIFY(!lines.contains(Canary));
    QVERIFY(!curl.contains(QString::fromUtf8(Canary)));
    QVERIFY(!record.upstreamRequest.body.contains(Canary));
    QVERIFY(!everythingStored(record).contains(Canary)); // the inspector's storage itself
    QVERIFY(everythingStored(record).contains("[redacted]"));

    const QJsonObject log = QJsonDocument::fromJson(har).object()[u"log"_s].toObject();
    QCOMPARE(log[u"version"_s].toString(), u"1.2"_s);
    const QJsonArray entries = log[u"entries"_s].toArray();
    QCOMPARE(entries.size(), 2); // the client leg and the upstream leg
    QCOMPARE(entries[0].toObject()[u"response"_s].toObject()[u"status"_s].toInt(), 200);
    QVERIFY(entries[1].toObject()[u"request"_s].toObject()[u"url"_s].toString().endsWith(u"/chat/completions"_s));
    const QJsonObject line = QJsonDocument::fromJson(lines.trimmed()).object();
    QCOMPARE(line[u"status"_s].toInt(), 200);
    QVERIFY(!line[u"client_response"_s].toObject()[u"events"_s].toArray().isEmpty());
}

void TestTraffic::curl_usesAPlaceholderForTheKey()
{
    TestGateway gateway(TestGateway::simulator());
    gateway.gateway->setTrafficLog(m_log.get());
    ApiClient client(gateway.url);
    QCOMPARE(client.post("/v1/messages", streamRequest(), {{"x-api-key", Canary}}).status, 200);
    QTRY_COMPARE(m_log->ids().size(), 1);
    const QString curl = Core::TrafficExport::curl(waitForFinished(m_log->ids().first()), gateway.url.toString());
    QVERIFY(curl.startsWith(u"curl -N '"_s));
    QVERIFY(curl.contains(u"x-api-key: $ANTHROPIC_API_KEY"_s));
    QVERIFY(curl.contains(u"--data-binary '"_s));
    QVERIFY(!curl.contains(u"content-length"_s, Qt::CaseInsensitive));
}

void TestTraffic::diff_marksDroppedRewrittenAndAdded()
{
    using Kind = Core::RequestDiffRow::Kind;
    const auto rows =
        Core::RequestDiff::compare(R"({"model":"a","max_tokens":5,"top_k":3,"keep":true})",
                                   R"({"model":"b","max_tokens":5,"keep":true,"stream_options":{"x":1}})");
    QHash<QString, Kind> kinds;
    for (const auto &row : rows) {
        kinds.insert(row.path, row.kind);
    }
    QCOMPARE(kinds.value(u"model"_s), Kind::Rewritten);
    QCOMPARE(kinds.value(u"max_tokens"_s), Kind::Same);
    QCOMPARE(kinds.value(u"top_k"_s), Kind::Dropped);
    QCOMPARE(kinds.value(u"stream_options.x"_s), Kind::Added);
    QCOMPARE(kinds.value(u"keep"_s), Kind::Same);
    QCOMPARE(Core::RequestDiff::compare("not json", "{}").first().path, u"(body)"_s);
}

QTEST_GUILESS_MAIN(TestTraffic)
#include "tst_traffic.moc"
