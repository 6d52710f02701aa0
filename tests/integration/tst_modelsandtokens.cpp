// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "testgateway.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// GET /v1/models, GET /v1/models/{id} and POST /v1/messages/count_tokens against OpenAI-style
// backends and the simulator.
class TestModelsAndTokens final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void models_listRoutesAndBackendModels();
    void models_pageLikeTheApi();
    void models_failingBackendIsNamed_othersStillListed_data();
    void models_failingBackendIsNamed_othersStillListed();
    void models_backendsAreAskedTogether();
    void model_retrieve_data();
    void model_retrieve();
    void model_unlistedIsNotFound();
    void countTokens_isExactWhereTheBackendCounts();
    void countTokens_isEstimatedElsewhere();
    void countTokens_validatesLikeMessages();
    void simulator_countsWhatItReports();

private:
    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<TestGateway> m_gateway;
    std::unique_ptr<ApiClient> m_client;
};

namespace {

const QByteArray CountRequest =
    R"({"model":"models/tiny-llama-qwen2vocab.gguf","system":"Be brief.","messages":[{"role":"user","content":"Hello there"}],
        "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]})";

// The usual gateway (see init) with a second OpenAI backend, `name` at `baseUrl`.
Core::GatewayConfig withSecondBackend(const QByteArray &firstUrl, const QByteArray &name, const QByteArray &baseUrl)
{
    Core::GatewayConfig config = TestGateway::openAi(firstUrl);
    Core::BackendConfig second = config.backends.front();
    second.name = name;
    second.url = QUrl(QString::fromUtf8(baseUrl + "/v1"));
    config.backends.push_back(second);
    config.routes = {Core::RouteConfig{"llama-3.3-70b", "fake", "models/tiny-llama-qwen2vocab.gguf"},
                     Core::RouteConfig{"claude-sonnet", "fake", {}}, Core::RouteConfig{"*", "fake", {}}};
    return config;
}

} // namespace

void TestModelsAndTokens::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_backend->on("/v1/models", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/02_v1_models.json"_s)));
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.routes = {Core::RouteConfig{"llama-3.3-70b", "fake", "models/tiny-llama-qwen2vocab.gguf"},
                     Core::RouteConfig{"claude-sonnet", "fake", {}}, Core::RouteConfig{"*", "fake", {}}};
    m_gateway = std::make_unique<TestGateway>(config);
    m_client = std::make_unique<ApiClient>(m_gateway->url);
}

void TestModelsAndTokens::cleanup()
{
    m_client.reset();
    m_gateway.reset();
    m_backend.reset();
}

void TestModelsAndTokens::models_listRoutesAndBackendModels()
{
    const ApiReply reply = m_client->get("/v1/models");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("request-id").startsWith("req_"));
    const QJsonObject page = reply.json();
    const QJsonArray data = page[u"data"].toArray();
    QCOMPARE(data.size(), 3);
    QCOMPARE(data[0][u"id"].toString(), u"llama-3.3-70b");
    QCOMPARE(data[1][u"id"].toString(), u"claude-sonnet");
    QCOMPARE(data[2][u"id"].toString(), u"models/tiny-llama-qwen2vocab.gguf");
    for (const auto model : data) {
        QCOMPARE(model[u"type"].toString(), u"model");
        QVERIFY(!model[u"display_name"].toString().isEmpty());
        QVERIFY(model[u"created_at"].toString().endsWith(u'Z'));
    }
    QCOMPARE(data[2][u"created_at"].toString(), u"2026-11-25T20:23:02Z"); // from the backend's `created`
    QCOMPARE(page[u"has_more"].toBool(true), false);
    QCOMPARE(page[u"first_id"].toString(), u"llama-3.3-70b");
    QCOMPARE(page[u"last_id"].toString(), u"models/tiny-llama-qwen2vocab.gguf");
}

void TestModelsAndTokens::models_pageLikeTheApi()
{
    const ApiReply first = m_client->get("/v1/models?limit=2");
    QCOMPARE(first.json()[u"data"].toArray().size(), 2);
    QCOMPARE(first.json()[u"has_more"].toBool(), true);
    const ApiReply second = m_client->get("/v1/v1/models?limit=2&after_id=claude-sonnet&beta=true");
    QCOMPARE(second.json()[u"data"].toArray().size(), 1);
    QCOMPARE(second.json()[u"has_more"].toBool(), false);
    QCOMPARE(m_client->get("/v1/models?limit=5000").status, 400);
}

void TestModelsAndTokens::model_retrieve_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("id");
    QTest::addRow("routed name") << QByteArray("/v1/models/llama-3.3-70b") << 200 << u"llama-3.3-70b"_s;
    QTest::addRow("backend model, percent-encoded") << QByteArray("/v1/models/models%2Ftiny-llama-qwen2vocab.gguf")
                                                    << 200 << u"models/tiny-llama-qwen2vocab.gguf"_s;
}

void TestModelsAndTokens::model_unlistedIsNotFound()
{
    // The wildcard route goes to a server that lists its models: a name it does not list is nobody's.
    const ApiReply reply = m_client->get("/v1/models/anything-else");
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"not_found_error"_s);
    QVERIFY2(reply.json()[u"error"][u"message"].toString().contains(u"anything-else"_s), reply.body.constData());
    QVERIFY(!reply.body.contains("1970"));
}

void TestModelsAndTokens::model_retrieve()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QString, id);
    const ApiReply reply = m_client->get(path);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json()[u"id"].toString(), id);
    QCOMPARE(reply.json()[u"type"].toString(), u"model");
}

void TestModelsAndTokens::countTokens_isExactWhereTheBackendCounts()
{
    // llama.cpp and vLLM answer Anthropic count_tokens with the model's tokenizer and template.
    // The recording holds two of llama.cpp's answers back to back; the first one is used here.
    const QByteArray recorded = FakeBackend::fixture(u"llama-cpp/16_count_tokens.json"_s);
    m_backend->on("/v1/messages/count_tokens", FakeResponse::json(recorded.left(recorded.indexOf('}') + 1)));
    const ApiReply reply = m_client->post("/v1/v1/messages/count_tokens?beta=true", CountRequest);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json(), QJsonObject({{u"input_tokens"_s, 19}}));
    const QJsonObject forwarded = QJsonDocument::fromJson(m_backend->lastRequest().body).object();
    QCOMPARE(forwarded[u"model"].toString(), u"models/tiny-llama-qwen2vocab.gguf");
    QCOMPARE(forwarded[u"tools"].toArray().size(), 1);
}

void TestModelsAndTokens::countTokens_isEstimatedElsewhere()
{
    // Ollama has no count_tokens route: Switchboard estimates, and remembers not to ask again.
    const ApiReply first = m_client->post("/v1/messages/count_tokens", CountRequest);
    QCOMPARE(first.status, 200);
    const int estimate = first.json()[u"input_tokens"].toInt();
    QVERIFY2(estimate > 20 && estimate < 80, qPrintable(QString::number(estimate)));
    const int asked = int(m_backend->requests().size());
    QCOMPARE(m_client->post("/v1/messages/count_tokens", CountRequest).json()[u"input_tokens"].toInt(), estimate);
    QCOMPARE(int(m_backend->requests().size()), asked);
}

void TestModelsAndTokens::countTokens_validatesLikeMessages()
{
    const ApiReply reply = m_client->post("/v1/messages/count_tokens", R"({"model":"m"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"][u"message"].toString(), u"messages: Field required");
}

void TestModelsAndTokens::simulator_countsWhatItReports()
{
    TestGateway gateway(TestGateway::simulator());
    ApiClient client(gateway.url);
    const QByteArray request = R"({"model":"sim","max_tokens":50,"system":"You are terse.",
        "messages":[{"role":"user","content":"How many tokens is this prompt?"}]})";
    QByteArray countRequest = request;
    countRequest.replace("\"max_tokens\":50,", "");
    const int counted = client.post("/v1/messages/count_tokens", countRequest).json()[u"input_tokens"].toInt();
    const ApiReply message = client.post("/v1/messages", request);
    QCOMPARE(message.json()[u"usage"][u"input_tokens"].toInt(), counted);
    QVERIFY(counted > 10);
}

void TestModelsAndTokens::models_failingBackendIsNamed_othersStillListed_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("hangs");
    QTest::addColumn<QByteArray>("reason");

    QTest::addRow("an HTML page") << 200 << QByteArray("text/html")
                                  << QByteArray("<html><body>Welcome to nginx!</body></html>") << false
                                  << QByteArray("unreadable model list");
    QTest::addRow("500") << 500 << QByteArray("application/json") << QByteArray(R"({"error":"boom"})") << false
                         << QByteArray("HTTP 500");
    // Headers, then nothing: only a deadline for the whole listing ends it.
    QTest::addRow("hangs after its headers")
        << 200 << QByteArray("application/json") << QByteArray() << true << QByteArray("timed out");
}

void TestModelsAndTokens::models_failingBackendIsNamed_othersStillListed()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, hangs);
    QFETCH(QByteArray, reason);

    FakeBackend broken;
    QVERIFY(broken.start() != 0);
    FakeResponse response;
    response.status = status;
    response.headers = {{"Content-Type", contentType}};
    if (!body.isEmpty()) {
        response.chunks = {body};
    }
    response.end = hangs ? FakeResponse::End::Hang : FakeResponse::End::Complete;
    broken.on("/v1/models", response);
    TestGateway gateway(withSecondBackend(m_backend->baseUrl(), "broken", broken.baseUrl()));
    ApiClient client(gateway.url);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"listing the models of backend .*broken.* failed"_s));
    const ApiReply reply = client.get("/v1/models");
    QVERIFY(reply.finished);
    QCOMPARE(reply.status, 200);
    const QJsonArray data = reply.json()[u"data"].toArray();
    QCOMPARE(data.size(), 3); // the healthy backend's model is still listed
    QCOMPARE(data[2][u"id"].toString(), u"models/tiny-llama-qwen2vocab.gguf");
    QCOMPARE(reply.header("x-switchboard-backends-failed"), "broken (" + reason + ')');
    QVERIFY(!reply.header("x-switchboard-backends-failed").contains(broken.baseUrl()));
    if (hangs) {
        QTRY_COMPARE(broken.abortedByClient(), 1); // given up on, not left open
    }
}

void TestModelsAndTokens::models_backendsAreAskedTogether()
{
    // Both backends are the same server, which answers only once both requests have arrived: asked
    // one after the other, the first would wait out its deadline and its models would be missing.
    m_backend->holdUntil(2);
    TestGateway gateway(withSecondBackend(m_backend->baseUrl(), "twin", m_backend->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.get("/v1/models");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-switchboard-backends-failed"), QByteArray());
    QCOMPARE(reply.json()[u"data"].toArray().size(), 3);
    QCOMPARE(m_backend->requests().size(), 2);
}

QTEST_GUILESS_MAIN(TestModelsAndTokens)
#include "tst_modelsandtokens.moc"
