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

// POST /v1/messages end to end: the real server on a free port, an OpenAI-compatible fake behind it
// replaying llama.cpp's recorded streams, and a QNetworkAccessManager client.
class TestMessagesApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void nonStreaming_returnsACompleteMessage();
    void streaming_followsTheEventGrammar();
    void upstreamRequest_isTranslatedAndAlwaysStreamed();
    void stopSequence_acrossChunks_data();
    void stopSequence_acrossChunks();
    void toolCalls_streamAsToolUseBlocks();
    void sdkVariants_areAccepted_data();
    void sdkVariants_areAccepted();
    void invalidRequest_is400WithRequestId();
    void unknownPath_is404_andWrongMethod_is405();
    void unroutedModel_is404();
    void backendWithKey_sendsBearer();

private:
    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<TestGateway> m_gateway;
    std::unique_ptr<ApiClient> m_client;
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

const QByteArray SimpleRequest =
    R"({"model":"llama-3.3-70b","max_tokens":1024,"messages":[{"role":"user","content":"What is Llama Stack?"}]})";

QByteArray streamingRequest(const QByteArray &extra = {})
{
    return R"({"model":"llama-3.3-70b","max_tokens":64,"stream":true,)" + extra +
           R"("messages":[{"role":"user","content":"hi"}]})";
}

QByteArray chunk(const QByteArray &deltaJson, const QByteArray &finish = "null")
{
    return "data: {\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":" + finish + "}]}\n\n";
}

FakeResponse textStream(const QByteArrayList &pieces)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    for (const auto &piece : pieces) {
        response.chunks.append(chunk("{\"content\":\"" + piece + "\"}"));
    }
    response.chunks.append(chunk("{}", "\"stop\""));
    response.chunks.append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":" +
                           QByteArray::number(pieces.size()) + "}}\n\n");
    response.chunks.append("data: [DONE]\n\n");
    return response;
}

} // namespace

void TestMessagesApi::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    m_gateway = std::make_unique<TestGateway>(TestGateway::openAi(m_backend->baseUrl()));
    m_client = std::make_unique<ApiClient>(m_gateway->url);
}

void TestMessagesApi::cleanup()
{
    m_client.reset();
    m_gateway.reset();
    m_backend.reset();
}

void TestMessagesApi::nonStreaming_returnsACompleteMessage()
{
    const ApiReply reply = m_client->post("/v1/messages", SimpleRequest);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    QVERIFY(reply.header("request-id").startsWith("req_"));
    const QJsonObject message = reply.json();
    QVERIFY(message[u"id"].toString().startsWith(u"msg_"));
    QCOMPARE(message[u"type"].toString(), u"message");
    QCOMPARE(message[u"role"].toString(), u"assistant");
    QCOMPARE(message[u"model"].toString(), u"llama-3.3-70b"); // the name the client asked for
    QCOMPARE(message[u"content"][0][u"type"].toString(), u"text");
    QCOMPARE(message[u"content"][0][u"text"].toString(), u" well need had had.");
    QCOMPARE(message[u"stop_reason"].toString(), u"max_tokens");
    QVERIFY(message[u"stop_sequence"].isNull());
    // The recording's prompt is 33 tokens, 27 of them from llama.cpp's cache.
    QCOMPARE(message[u"usage"][u"input_tokens"].toInt(), 6);
    QCOMPARE(message[u"usage"][u"output_tokens"].toInt(), 5);
    QCOMPARE(message[u"usage"][u"cache_read_input_tokens"].toInt(-1), 27);
    QCOMPARE(message[u"usage"][u"cache_creation_input_tokens"].toInt(-1), 0);
}

void TestMessagesApi::streaming_followsTheEventGrammar()
{
    const ApiReply reply = m_client->post("/v1/messages", streamingRequest());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("text/event-stream"));
    QVERIFY(reply.header("request-id").startsWith("req_"));
    QCOMPARE(reply.eventNames(),
             QByteArrayList({"message_start", "ping", "content_block_start", "content_block_delta",
                             "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                             "content_block_stop", "message_delta", "message_stop"}));
    for (const auto &frame : reply.frames()) {
        QCOMPARE(frame.json()[u"type"].toString().toUtf8(), frame.event); // data.type equals the event name
    }
    const auto frames = reply.frames();
    const QJsonObject start = frames[0].json()[u"message"].toObject();
    QCOMPARE(start[u"model"].toString(), u"llama-3.3-70b");
    QVERIFY(start[u"usage"][u"input_tokens"].toInt() > 0); // an estimate until the backend counts
    QVERIFY(start[u"stop_reason"].isNull());
    QCOMPARE(reply.streamedText(), QByteArray(" well need had had."));
    const QJsonObject delta = frames[9].json();
    QCOMPARE(delta[u"delta"][u"stop_reason"].toString(), u"max_tokens");
    QCOMPARE(delta[u"usage"][u"input_tokens"].toInt(), 6);
    QCOMPARE(delta[u"usage"][u"cache_read_input_tokens"].toInt(), 27);
    QCOMPARE(delta[u"usage"][u"output_tokens"].toInt(), 5);
}

void TestMessagesApi::upstreamRequest_isTranslatedAndAlwaysStreamed()
{
    const ApiReply reply = m_client->post("/v1/messages", R"({"model":"llama-3.3-70b","max_tokens":77,
        "temperature":0.3,"top_p":0.8,"top_k":20,"system":"You are terse.","stop_sequences":["END"],
        "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"bye"}]})");
    QCOMPARE(reply.status, 200);
    const CapturedRequest upstream = m_backend->lastRequest();
    QCOMPARE(upstream.method, QByteArray("POST"));
    QCOMPARE(upstream.path, QByteArray("/v1/chat/completions"));
    const QJsonObject body = QJsonDocument::fromJson(upstream.body).object();
    QCOMPARE(body[u"model"].toString(), u"llama-3.3-70b");
    QCOMPARE(body[u"max_tokens"].toInt(), 77);
    QCOMPARE(body[u"temperature"].toDouble(), 0.3);
    QCOMPARE(body[u"top_p"].toDouble(), 0.8);
    QCOMPARE(body[u"top_k"].toInt(), 20);
    QCOMPARE(body[u"stream"].toBool(), true);
    QCOMPARE(body[u"stream_options"][u"include_usage"].toBool(), true);
    QVERIFY(!body.contains(u"stop"));
    const QJsonArray messages = body[u"messages"].toArray();
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages[0][u"role"].toString(), u"system");
    QCOMPARE(messages[0][u"content"].toString(), u"You are terse.");
    QCOMPARE(messages[3][u"content"].toString(), u"bye");
    QVERIFY(upstream.header("authorization").isEmpty());
}

void TestMessagesApi::stopSequence_acrossChunks_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addRow("streaming") << true;
    QTest::addRow("non-streaming") << false;
}

void TestMessagesApi::stopSequence_acrossChunks()
{
    QFETCH(bool, stream);
    // The sequence spans two upstream chunks; whatever follows must never reach the client, and the
    // backend's generation is stopped (its connection closed) as soon as the match is made.
    FakeResponse response = textStream({"Hello", " wor", "ld E", "ND after", " more", " text"});
    response.interval = std::chrono::milliseconds(30);
    response.end = FakeResponse::End::Hang;
    m_backend->on("/v1/chat/completions", response);
    const QByteArray body = R"({"model":"m","max_tokens":64,"stream":)" + QByteArray(stream ? "true" : "false") +
                            R"(,"stop_sequences":["nothing","END"],"messages":[{"role":"user","content":"hi"}]})";
    const ApiReply reply = m_client->post("/v1/messages", body);
    QCOMPARE(reply.status, 200);
    if (stream) {
        QCOMPARE(reply.streamedText(), QByteArray("Hello world "));
        const auto frames = reply.frames();
        const QJsonObject delta = frames.at(frames.size() - 2).json();
        QCOMPARE(delta[u"delta"][u"stop_reason"].toString(), u"stop_sequence");
        QCOMPARE(delta[u"delta"][u"stop_sequence"].toString(), u"END");
        QCOMPARE(frames.last().event, QByteArray("message_stop"));
        QVERIFY(!reply.body.contains("after"));
    } else {
        const QJsonObject message = reply.json();
        QCOMPARE(message[u"content"][0][u"text"].toString(), u"Hello world ");
        QCOMPARE(message[u"stop_reason"].toString(), u"stop_sequence");
        QCOMPARE(message[u"stop_sequence"].toString(), u"END");
    }
    QTRY_COMPARE(m_backend->abortedByClient(), 1);
}

void TestMessagesApi::toolCalls_streamAsToolUseBlocks()
{
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/09_chat_tools_required_stream.sse"_s)));
    const ApiReply reply = m_client->post("/v1/messages", R"({"model":"m","max_tokens":150,"stream":true,
        "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
        "tool_choice":{"type":"any"},"messages":[{"role":"user","content":"weather in Paris?"}]})");
    QCOMPARE(reply.status, 200);
    int expectedIndex = 0;
    int open = -1;
    int toolBlocks = 0;
    for (const auto &frame : reply.frames()) {
        const QJsonObject data = frame.json();
        if (frame.event == "content_block_start") {
            QCOMPARE(open, -1); // one block open at a time
            QCOMPARE(data[u"index"].toInt(), expectedIndex++);
            open = data[u"index"].toInt();
            if (data[u"content_block"][u"type"].toString() == u"tool_use") {
                ++toolBlocks;
                QCOMPARE(data[u"content_block"][u"name"].toString(), u"get_weather");
                QCOMPARE(data[u"content_block"][u"input"].toObject(), QJsonObject());
            }
        } else if (frame.event == "content_block_delta") {
            QCOMPARE(data[u"index"].toInt(), open);
        } else if (frame.event == "content_block_stop") {
            QCOMPARE(data[u"index"].toInt(), open);
            open = -1;
        } else if (frame.event == "message_delta") {
            // llama.cpp said "length"; a turn that called tools ends in tool_use.
            QCOMPARE(data[u"delta"][u"stop_reason"].toString(), u"tool_use");
        }
    }
    QCOMPARE(toolBlocks, 4);
    QCOMPARE(reply.eventNames().last(), QByteArray("message_stop"));
}

void TestMessagesApi::sdkVariants_areAccepted_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<Headers>("headers");
    QTest::addRow("SDK base URL ending in /v1") << QByteArray("/v1/v1/messages") << Headers{};
    QTest::addRow("beta query") << QByteArray("/v1/messages?beta=true") << Headers{};
    QTest::addRow("x-api-key, 2023-06-01")
        << QByteArray("/v1/messages") << Headers{{"x-api-key", "fake"}, {"anthropic-version", "2023-06-01"}};
    QTest::addRow("bearer, 2026-10-21 (SDK 1.14)")
        << QByteArray("/v1/messages") << Headers{{"Authorization", "Bearer fake"}, {"anthropic-version", "2026-10-21"}};
    QTest::addRow("unknown betas") << QByteArray("/v1/messages?beta=true")
                                   << Headers{{"anthropic-beta", "claude-code-20250219,made-up-2099-01-01"}};
    QTest::addRow("trailing slash") << QByteArray("/v1/messages/") << Headers{};
}

void TestMessagesApi::sdkVariants_areAccepted()
{
    QFETCH(QByteArray, path);
    QFETCH(Headers, headers);
    const ApiReply reply = m_client->post(path, SimpleRequest, headers);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()[u"type"].toString(), u"message");
}

void TestMessagesApi::invalidRequest_is400WithRequestId()
{
    const ApiReply reply =
        m_client->post("/v1/messages", R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
    QCOMPARE(reply.status, 400);
    const QJsonObject error = reply.json();
    QCOMPARE(error[u"type"].toString(), u"error");
    QCOMPARE(error[u"error"][u"type"].toString(), u"invalid_request_error");
    QCOMPARE(error[u"error"][u"message"].toString(), u"max_tokens: Field required");
    QVERIFY(error[u"request_id"].toString().startsWith(u"req_"));
    QCOMPARE(error[u"request_id"].toString().toUtf8(), reply.header("request-id"));
    QCOMPARE(m_backend->requests().size(), 0); // nothing reached the backend
}

void TestMessagesApi::unknownPath_is404_andWrongMethod_is405()
{
    const ApiReply missing = m_client->post("/v1/complete", SimpleRequest);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json()[u"error"][u"type"].toString(), u"not_found_error");
    const ApiReply wrongMethod = m_client->get("/v1/messages");
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.json()[u"error"][u"type"].toString(), u"invalid_request_error");
}

void TestMessagesApi::unroutedModel_is404()
{
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.routes = {Core::RouteConfig{"claude-*", "fake", {}}};
    TestGateway gateway(config);
    ApiClient client(gateway.url);
    const ApiReply reply = client.post("/v1/messages", SimpleRequest);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"not_found_error");
    QVERIFY(reply.json()[u"error"][u"message"].toString().startsWith(u"model: no route matches 'llama-3.3-70b'"));
}

void TestMessagesApi::backendWithKey_sendsBearer()
{
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.backends[0].apiKey = "sk-backend";
    config.backends[0].headers.append("X-Org", "acme");
    TestGateway gateway(config);
    ApiClient client(gateway.url);
    // The backend holds credentials, so callers need Switchboard's own key, even on loopback.
    const ApiReply refused = client.post("/v1/messages", SimpleRequest, {{"x-api-key", "client-key"}});
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"error"][u"type"].toString(), u"authentication_error");
    QCOMPARE(m_backend->requests().size(), 0);
    QCOMPARE(client.post("/v1/messages", SimpleRequest, {{"x-api-key", SwitchboardKey}}).status, 200);
    QCOMPARE(m_backend->lastRequest().header("authorization"), QByteArray("Bearer sk-backend"));
    QCOMPARE(m_backend->lastRequest().header("x-org"), QByteArray("acme"));
    QVERIFY(!m_backend->lastRequest().body.contains(SwitchboardKey));
}

QTEST_GUILESS_MAIN(TestMessagesApi)
#include "tst_messagesapi.moc"
