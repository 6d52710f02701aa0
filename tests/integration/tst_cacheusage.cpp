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

// What an OpenAI-compatible engine says of its prompt cache reaches clients in the API's meaning
// (input_tokens + cache_read_input_tokens = the whole prompt), in JSON answers and in streams; and
// the ids Switchboard makes for tool calls the engine left unnamed are the same for the same request.
class TestCacheUsage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void backendUsage_reachesTheClient_data();
    void backendUsage_reachesTheClient();
    void madeToolUseIds_areStableForTheSameRequest();

private:
    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<TestGateway> m_gateway;
    std::unique_ptr<ApiClient> m_client;
};

namespace {

QByteArray request(bool stream, const QByteArray &question = "What is Llama Stack?")
{
    return R"({"model":"llama-3.3-70b","max_tokens":64,"stream":)" + QByteArray(stream ? "true" : "false") +
           R"(,"messages":[{"role":"user","content":")" + question + R"("}]})";
}

// Answers "hi" as JSON or as a stream, as the request asked, with `usageFields` (e.g. `"usage":{...}`)
// in the completion or in the stream's last chunk.
FakeResponse answerWith(const CapturedRequest &upstream, const QByteArray &usageFields)
{
    const QByteArray figures = usageFields.isEmpty() ? QByteArray() : ',' + usageFields;
    if (!QJsonDocument::fromJson(upstream.body)[u"stream"].toBool()) {
        return FakeResponse::json(
            R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",)"
            R"("content":"hi"},"finish_reason":"stop"}])" +
            figures + '}');
    }
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        R"(data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]})"
        "\n\n",
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
        "\n\n",
        R"(data: {"choices":[])" + figures + "}\n\n",
        "data: [DONE]\n\n",
    };
    return response;
}

// Tool calls with no ids, as some servers stream them.
FakeResponse toolCallsWithoutIds(const CapturedRequest &upstream)
{
    const auto call = [](int index, const QByteArray &name, const QByteArray &arguments) -> QByteArray {
        return R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":)" + QByteArray::number(index) +
               R"(,"type":"function","function":{"name":")" + name + R"(","arguments":)" + arguments +
               R"(}}]},"finish_reason":null}]})"
               "\n\n";
    };
    if (!QJsonDocument::fromJson(upstream.body)[u"stream"].toBool()) {
        return FakeResponse::json(
            R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[)"
            R"({"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},)"
            R"({"type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":"tool_calls"}]})");
    }
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        call(0, "get_weather", R"("{\"city\":\"Paris\"}")"),
        call(1, "get_time", R"("{}")"),
        R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"
        "\n\n",
        "data: [DONE]\n\n",
    };
    return response;
}

QJsonObject usageOf(const ApiReply &reply, bool stream)
{
    if (!stream) {
        return reply.json()[u"usage"].toObject();
    }
    QJsonObject usage;
    for (const auto &frame : reply.frames()) {
        if (frame.event == "message_delta") {
            usage = frame.json()[u"usage"].toObject(); // the last one carries the final figures
        }
    }
    return usage;
}

QStringList toolUseIds(const ApiReply &reply, bool stream)
{
    QStringList ids;
    if (!stream) {
        for (const auto block : reply.json()[u"content"].toArray()) {
            ids.append(block[u"id"].toString());
        }
        return ids;
    }
    for (const auto &frame : reply.frames()) {
        if (frame.event == "content_block_start") {
            ids.append(frame.json()[u"content_block"][u"id"].toString());
        }
    }
    return ids;
}

} // namespace

void TestCacheUsage::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_gateway = std::make_unique<TestGateway>(TestGateway::openAi(m_backend->baseUrl()));
    m_client = std::make_unique<ApiClient>(m_gateway->url);
}

void TestCacheUsage::cleanup()
{
    m_client.reset();
    m_gateway.reset();
    m_backend.reset();
}

void TestCacheUsage::backendUsage_reachesTheClient_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QByteArray>("usageFields");
    QTest::addColumn<int>("inputTokens"); // -1: Switchboard's estimate of the prompt
    QTest::addColumn<int>("cacheReadInputTokens");
    QTest::addColumn<int>("outputTokens");

    const QByteArray cachedTokens =
        R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38,"prompt_tokens_details":{"cached_tokens":27}})";
    const QByteArray llamaTimings = R"("timings":{"cache_n":27,"prompt_n":6,"predicted_n":5})";
    const QByteArray noCache = R"("usage":{"prompt_tokens":33,"completion_tokens":5,"total_tokens":38})";
    const QByteArray overflowing = R"("usage":{"prompt_tokens":2147483658,"completion_tokens":-5})";
    const QByteArray overCached =
        R"("usage":{"prompt_tokens":33,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":40}})";
    for (const bool stream : {false, true}) {
        const char *mode = stream ? "stream" : "JSON";
        QTest::addRow("cached_tokens, %s", mode) << stream << cachedTokens << 6 << 27 << 5;
        QTest::addRow("llama.cpp timings, %s", mode) << stream << llamaTimings << 6 << 27 << 5;
        QTest::addRow("no cache figure, %s", mode) << stream << noCache << 33 << 0 << 5;
        QTest::addRow("no usage, %s", mode) << stream << QByteArray() << -1 << 0 << 1;
        QTest::addRow("overflowing figures, %s", mode) << stream << overflowing << -1 << 0 << 1;
        QTest::addRow("more cached than prompt, %s", mode) << stream << overCached << 0 << 33 << 5;
    }
}

void TestCacheUsage::backendUsage_reachesTheClient()
{
    QFETCH(bool, stream);
    QFETCH(QByteArray, usageFields);
    QFETCH(int, inputTokens);
    QFETCH(int, cacheReadInputTokens);
    QFETCH(int, outputTokens);
    if (usageFields.contains("2147483658") || usageFields.contains("\"cached_tokens\":40")) {
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"^Backend 'fake' reported usage that cannot be right"_s));
    }
    m_backend->on("/v1/chat/completions",
                  [&](const CapturedRequest &upstream) { return answerWith(upstream, usageFields); });

    const ApiReply reply = m_client->post("/v1/messages", request(stream));
    QCOMPARE(reply.status, 200);
    const QJsonObject usage = usageOf(reply, stream);
    if (inputTokens < 0) {
        QVERIFY(usage[u"input_tokens"].toInt() > 0); // the estimate, as when a backend says nothing
    } else {
        QCOMPARE(usage[u"input_tokens"].toInt(-1), inputTokens);
    }
    QCOMPARE(usage[u"cache_read_input_tokens"].toInt(-1), cacheReadInputTokens);
    QCOMPARE(usage[u"cache_creation_input_tokens"].toInt(-1), 0);
    QCOMPARE(usage[u"output_tokens"].toInt(-1), outputTokens);
    if (stream) {
        // message_start goes out before the engine counts: the estimate, and no cache read yet.
        const QJsonObject start = reply.frames().first().json()[u"message"][u"usage"].toObject();
        QVERIFY(start[u"input_tokens"].toInt() > 0);
        QCOMPARE(start[u"cache_read_input_tokens"].toInt(-1), 0);
    }
}

void TestCacheUsage::madeToolUseIds_areStableForTheSameRequest()
{
    m_backend->on("/v1/chat/completions",
                  [](const CapturedRequest &upstream) { return toolCallsWithoutIds(upstream); });
    for (const bool stream : {false, true}) {
        const ApiReply first = m_client->post("/v1/messages", request(stream));
        const ApiReply again = m_client->post("/v1/messages", request(stream));
        const ApiReply other = m_client->post("/v1/messages", request(stream, "And in Rome?"));
        QCOMPARE(first.status, 200);
        const QStringList ids = toolUseIds(first, stream);
        QCOMPARE(ids.size(), 2);
        for (const auto &id : ids) {
            QVERIFY2(id.startsWith(u"toolu_01") && id.size() == 30, qPrintable(id));
        }
        QVERIFY(ids[0] != ids[1]);
        QCOMPARE(toolUseIds(again, stream), ids); // the same request answered the same way
        const QStringList otherIds = toolUseIds(other, stream);
        QCOMPARE(otherIds.size(), 2);
        QVERIFY(otherIds[0] != ids[0] && otherIds[1] != ids[1]);
    }
}

QTEST_GUILESS_MAIN(TestCacheUsage)
#include "tst_cacheusage.moc"
