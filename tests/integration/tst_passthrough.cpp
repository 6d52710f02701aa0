// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "testgateway.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// Routes to an Anthropic-native upstream relay its answers unchanged, headers included.
class TestPassthrough final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void stream_isRelayedByteForByte();
    void json_keepsUpstreamHeaders();
    void upstreamError_isRelayedUnchanged();
    void request_isForwardedWithProtocolHeaders();
    void configuredKey_replacesTheClients();
    void clientsOwnKey_travelsBesideSwitchboards();
    void renamedModel_isRewrittenUpstream();
    void countTokens_andModels_comeFromUpstream();

private:
    std::unique_ptr<FakeBackend> m_upstream;
};

namespace {

const QByteArray StreamRequest =
    R"({"model":"claude-x","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]})";
const QByteArray JsonRequest = R"({"model":"claude-x","max_tokens":16,"messages":[{"role":"user","content":"hi"}]})";

} // namespace

void TestPassthrough::init()
{
    m_upstream = std::make_unique<FakeBackend>();
    QVERIFY(m_upstream->start() != 0);
}

void TestPassthrough::cleanup()
{
    m_upstream.reset();
}

void TestPassthrough::stream_isRelayedByteForByte()
{
    const QByteArray recorded = FakeBackend::fixture(u"llama-cpp/13_messages_stream.sse"_s);
    FakeResponse response = FakeResponse::eventStream(recorded);
    response.headers.append(qMakePair(QByteArray("request-id"), QByteArray("req_upstream_1")));
    m_upstream->on("/v1/messages", response);
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", StreamRequest);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, recorded);
    QCOMPARE(reply.header("request-id"), QByteArray("req_upstream_1"));
    QCOMPARE(reply.header("content-type"), QByteArray("text/event-stream"));
}

void TestPassthrough::json_keepsUpstreamHeaders()
{
    const QByteArray recorded = FakeBackend::fixture(u"llama-cpp/11_messages_stop_sequence.json"_s);
    FakeResponse response = FakeResponse::json(recorded);
    response.headers.append(qMakePair(QByteArray("anthropic-ratelimit-requests-remaining"), QByteArray("49")));
    response.headers.append(
        qMakePair(QByteArray("anthropic-ratelimit-tokens-reset"), QByteArray("2026-11-25T00:00:00Z")));
    m_upstream->on("/v1/messages", response);
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", JsonRequest);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, recorded);
    QCOMPARE(reply.header("anthropic-ratelimit-requests-remaining"), QByteArray("49"));
    QCOMPARE(reply.header("anthropic-ratelimit-tokens-reset"), QByteArray("2026-11-25T00:00:00Z"));
    QVERIFY(reply.header("request-id").startsWith("req_")); // ours, since the upstream sent none
}

void TestPassthrough::upstreamError_isRelayedUnchanged()
{
    const QByteArray error =
        R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"},"request_id":"req_up"})";
    FakeResponse response = FakeResponse::json(error, 429);
    response.headers.append(qMakePair(QByteArray("retry-after"), QByteArray("12")));
    m_upstream->on("/v1/messages", response);
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl()));
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", StreamRequest);
    QCOMPARE(reply.status, 429);
    QCOMPARE(reply.body, error);
    QCOMPARE(reply.header("retry-after"), QByteArray("12"));
}

void TestPassthrough::request_isForwardedWithProtocolHeaders()
{
    m_upstream->on("/v1/messages", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/10_messages.json"_s)));
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl()));
    ApiClient client(gateway.url);
    const QByteArray body = R"({"model":"claude-x","max_tokens":16,"unknown_future_field":{"kept":true},
        "messages":[{"role":"user","content":"hi"},{"role":"system","content":"mid-conversation"}]})";
    const ApiReply reply = client.post("/v1/v1/messages?beta=true", body,
                                       {{"anthropic-version", "2026-10-21"},
                                        {"anthropic-beta", "interleaved-thinking-2025-05-14"},
                                        {"x-api-key", "client-key"}});
    QCOMPARE(reply.status, 200);
    const CapturedRequest upstream = m_upstream->lastRequest();
    QCOMPARE(upstream.path, QByteArray("/v1/messages"));
    QCOMPARE(upstream.query, QByteArray("beta=true"));
    QCOMPARE(upstream.body, body); // unchanged, unknown fields and system turns included
    QCOMPARE(upstream.header("anthropic-version"), QByteArray("2026-10-21"));
    QCOMPARE(upstream.header("anthropic-beta"), QByteArray("interleaved-thinking-2025-05-14"));
    QCOMPARE(upstream.header("x-api-key"), QByteArray("client-key")); // no key configured: the client's own
}

void TestPassthrough::configuredKey_replacesTheClients()
{
    m_upstream->on("/v1/messages", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/10_messages.json"_s)));
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl(), "sk-ant-configured"));
    ApiClient client(gateway.url);
    // The backend holds the user's key, so callers need Switchboard's own key, even on loopback.
    QCOMPARE(client.post("/v1/messages", JsonRequest, {{"Authorization", "Bearer fake"}}).status, 401);
    QCOMPARE(m_upstream->requests().size(), 0);
    QCOMPARE(client.post("/v1/messages", JsonRequest, {{"Authorization", "Bearer " + SwitchboardKey}}).status, 200);
    // The user's key goes upstream; Switchboard's own key never does.
    QCOMPARE(m_upstream->lastRequest().header("x-api-key"), QByteArray("sk-ant-configured"));
    QVERIFY(m_upstream->lastRequest().header("authorization").isEmpty());
}

void TestPassthrough::clientsOwnKey_travelsBesideSwitchboards()
{
    // As Claude Code sends ANTHROPIC_AUTH_TOKEN (here Switchboard's key) and ANTHROPIC_API_KEY (the
    // user's Anthropic key) together: the first opens Switchboard, the second goes upstream.
    m_upstream->on("/v1/messages", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/10_messages.json"_s)));
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl()));
    ApiClient client(gateway.url);
    QCOMPARE(client
                 .post("/v1/messages", JsonRequest,
                       {{"Authorization", "Bearer " + SwitchboardKey}, {"x-api-key", "sk-ant-users-own"}})
                 .status,
             200);
    QCOMPARE(m_upstream->lastRequest().header("x-api-key"), QByteArray("sk-ant-users-own"));
    QVERIFY(m_upstream->lastRequest().header("authorization").isEmpty());
    // And the other way round.
    QCOMPARE(client
                 .post("/v1/messages", JsonRequest,
                       {{"x-api-key", SwitchboardKey}, {"Authorization", "Bearer users-own-token"}})
                 .status,
             200);
    QCOMPARE(m_upstream->lastRequest().header("authorization"), QByteArray("Bearer users-own-token"));
    QVERIFY(m_upstream->lastRequest().header("x-api-key").isEmpty());
}

void TestPassthrough::renamedModel_isRewrittenUpstream()
{
    m_upstream->on("/v1/messages", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/10_messages.json"_s)));
    Core::GatewayConfig config = TestGateway::anthropic(m_upstream->baseUrl());
    config.routes = {Core::RouteConfig{"claude-*", "upstream", "models/tiny-llama-qwen2vocab.gguf"}};
    TestGateway gateway(config);
    ApiClient client(gateway.url);
    QCOMPARE(client.post("/v1/messages", JsonRequest).status, 200);
    const QJsonObject upstream = QJsonDocument::fromJson(m_upstream->lastRequest().body).object();
    QCOMPARE(upstream[u"model"].toString(), u"models/tiny-llama-qwen2vocab.gguf");
    QCOMPARE(upstream[u"max_tokens"].toInt(), 16);
}

void TestPassthrough::countTokens_andModels_comeFromUpstream()
{
    m_upstream->on("/v1/messages/count_tokens", FakeResponse::json(R"({"input_tokens":164})"));
    m_upstream->on("/v1/models", FakeResponse::json(R"({"data":[
        {"type":"model","id":"claude-x","display_name":"Claude X","created_at":"2026-05-01T00:00:00Z"}],
        "has_more":false,"first_id":"claude-x","last_id":"claude-x"})"));
    TestGateway gateway(TestGateway::anthropic(m_upstream->baseUrl(), "sk-key"));
    ApiClient client(gateway.url);
    const QList<QPair<QByteArray, QByteArray>> key{{"x-api-key", SwitchboardKey}};
    const ApiReply count = client.post("/v1/messages/count_tokens",
                                       R"({"model":"claude-x","messages":[{"role":"user","content":"hi"}]})", key);
    QCOMPARE(count.status, 200);
    QCOMPARE(count.json()[u"input_tokens"].toInt(), 164);
    const ApiReply models = client.send("GET", "/v1/models", {}, key);
    QCOMPARE(models.status, 200);
    QCOMPARE(models.json()[u"data"][0][u"display_name"].toString(), u"Claude X");
    // Without the key, the credentialed upstream is not even asked.
    const qsizetype asked = m_upstream->requests().size();
    QCOMPARE(client.get("/v1/models").json()[u"data"].toArray().size(), 0);
    QCOMPARE(m_upstream->requests().size(), asked);
    QCOMPARE(m_upstream->lastRequest().header("x-api-key"), QByteArray("sk-key"));
}

QTEST_GUILESS_MAIN(TestPassthrough)
#include "tst_passthrough.moc"
