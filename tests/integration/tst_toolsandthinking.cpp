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

// Tool use, vision, documents and thinking through an OpenAI-compatible backend, end to end, with
// the gateway bugs of anthropic-api.md §7 as test cases.
class TestToolsAndThinking final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void toolArguments_splitAtEveryOffset_data();
    void toolArguments_splitAtEveryOffset();
    void wholeArgumentsInOneChunk_withFinishStop_isToolUse();
    void interleavedParallelCalls_eachGetTheirWholeInput_data();
    void interleavedParallelCalls_eachGetTheirWholeInput();
    void reasoning_becomesASignedThinkingBlock();
    void request_carriesToolsImagesAndThinking();
    void pdf_isRefusedOnChatCompletions();
    void toolLoop_withTheSimulator();

private:
    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<TestGateway> m_gateway;
    std::unique_ptr<ApiClient> m_client;
};

namespace {

const QByteArray Arguments = R"({"city":"Paris","days":3})";
const QByteArray ToolRequest = R"("tools":[{"name":"get_weather","input_schema":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}],
    "messages":[{"role":"user","content":"Weather in Paris for 3 days?"}])";

QByteArray sseEvent(const QByteArray &json)
{
    return "data: " + json + "\n\n";
}

QByteArray quotedJson(const QByteArray &text)
{
    return QJsonDocument(QJsonArray{QString::fromUtf8(text)}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

// A tool call whose arguments arrive in two chunks, split at `split`.
FakeResponse splitToolCall(qsizetype split)
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        sseEvent(
            R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"get_weather","arguments":)" +
            quotedJson(Arguments.left(split)) + "}}]}}]}"),
        sseEvent(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":)" +
                 quotedJson(Arguments.mid(split)) + "}}]}}]}"),
        sseEvent(R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"),
        sseEvent(R"({"choices":[],"usage":{"prompt_tokens":40,"completion_tokens":12}})"),
        sseEvent("[DONE]"),
    };
    return response;
}

// One chunk of a stream with a delta for one tool call: its start (`name` set) or arguments.
QByteArray toolCallEvent(int index, const QByteArray &name, const QByteArray &arguments)
{
    const QByteArray start =
        name.isEmpty() ? QByteArray() : R"("id":"call_)" + QByteArray::number(index) + R"(","type":"function",)";
    const QByteArray function =
        (name.isEmpty() ? QByteArray() : R"("name":")" + name + R"(",)") + R"("arguments":)" + quotedJson(arguments);
    return sseEvent(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":)" + QByteArray::number(index) + ',' +
                    start + R"("function":{)" + function + "}}]}}]}");
}

} // namespace

void TestToolsAndThinking::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_gateway = std::make_unique<TestGateway>(TestGateway::openAi(m_backend->baseUrl()));
    m_client = std::make_unique<ApiClient>(m_gateway->url);
}

void TestToolsAndThinking::cleanup()
{
    m_client.reset();
    m_gateway.reset();
    m_backend.reset();
}

void TestToolsAndThinking::toolArguments_splitAtEveryOffset_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addRow("streaming") << true;
    QTest::addRow("non-streaming") << false;
}

void TestToolsAndThinking::toolArguments_splitAtEveryOffset()
{
    QFETCH(bool, stream);
    for (qsizetype split = 0; split <= Arguments.size(); ++split) {
        m_backend->on("/v1/chat/completions", splitToolCall(split));
        const ApiReply reply =
            m_client->post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":)" +
                                               QByteArray(stream ? "true" : "false") + "," + ToolRequest + "}");
        QCOMPARE(reply.status, 200);
        if (stream) {
            QByteArray partial;
            QJsonObject start;
            for (const auto &frame : reply.frames()) {
                const QJsonObject data = frame.json();
                if (frame.event == "content_block_start") {
                    start = data;
                } else if (frame.event == "content_block_delta") {
                    QCOMPARE(data[u"delta"][u"type"].toString(), u"input_json_delta");
                    partial += data[u"delta"][u"partial_json"].toString().toUtf8();
                } else if (frame.event == "message_delta") {
                    QCOMPARE(data[u"delta"][u"stop_reason"].toString(), u"tool_use");
                }
            }
            QCOMPARE(start[u"index"].toInt(), 0); // no empty text block before the call
            QCOMPARE(start[u"content_block"][u"id"].toString(), u"call_7");
            QCOMPARE(start[u"content_block"][u"name"].toString(), u"get_weather");
            QCOMPARE(start[u"content_block"][u"input"].toObject(), QJsonObject());
            QVERIFY2(partial == Arguments, qPrintable(u"split %1: "_s.arg(split) + QString::fromUtf8(partial)));
        } else {
            const QJsonObject message = reply.json();
            QCOMPARE(message[u"stop_reason"].toString(), u"tool_use");
            const QJsonArray content = message[u"content"].toArray();
            QCOMPARE(content.size(), 1);
            QCOMPARE(content[0][u"type"].toString(), u"tool_use");
            QCOMPARE(content[0][u"input"].toObject(), QJsonDocument::fromJson(Arguments).object());
        }
    }
}

void TestToolsAndThinking::wholeArgumentsInOneChunk_withFinishStop_isToolUse()
{
    // Ollama's shape: the whole call in one chunk, then finish_reason "stop" (LiteLLM #34692).
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        sseEvent(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})"),
        sseEvent(
            R"({"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_x","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]})"),
        sseEvent(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"),
        sseEvent("[DONE]"),
    };
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply =
        m_client->post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":true,)" + ToolRequest + "}");
    QCOMPARE(reply.eventNames(), QByteArrayList({"message_start", "ping", "content_block_start", "content_block_delta",
                                                 "content_block_stop", "message_delta", "message_stop"}));
    QCOMPARE(reply.frames()[5].json()[u"delta"][u"stop_reason"].toString(), u"tool_use");
    QCOMPARE(reply.frames()[3].json()[u"delta"][u"partial_json"].toString(), u"{\"city\":\"Paris\"}");
}

void TestToolsAndThinking::interleavedParallelCalls_eachGetTheirWholeInput_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QByteArray>("finish");     // the backend's finish_reason
    QTest::addColumn<QByteArrayList>("inputs"); // what each call's input must be, in order
    QTest::addColumn<QString>("stopReason");

    // Call 0's arguments end the stream: complete, or cut off by the token limit.
    const QByteArrayList complete{R"({"city":"Paris","days":3})", R"({"city":"Lima"})", R"({"q":"a}\"{"})"};
    QTest::addRow("streaming") << true << QByteArray("tool_calls") << complete << u"tool_use"_s;
    QTest::addRow("non-streaming") << false << QByteArray("tool_calls") << complete << u"tool_use"_s;
    QTest::addRow("streaming, cut off in call 0")
        << true << QByteArray("length") << QByteArrayList{R"({"city":"Pa)", complete[1], complete[2]} << u"tool_use"_s;
    QTest::addRow("non-streaming, cut off in call 0")
        << false << QByteArray("length") << QByteArrayList{"{}", complete[1], complete[2]} << u"tool_use"_s;
}

void TestToolsAndThinking::interleavedParallelCalls_eachGetTheirWholeInput()
{
    QFETCH(bool, stream);
    QFETCH(QByteArray, finish);
    QFETCH(QByteArrayList, inputs);
    QFETCH(QString, stopReason);
    const bool cutOff = finish == "length";

    // Three calls started before any arguments, then the arguments in turns, as some servers
    // stream parallel calls; each event is its own HTTP chunk.
    const QByteArray weather = R"({"city":"Paris","days":3})";
    const QByteArray lima = R"({"city":"Lima"})";
    const QByteArray search = R"({"q":"a}\"{"})";
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        toolCallEvent(0, "get_weather", {}),
        toolCallEvent(1, "get_weather", {}),
        toolCallEvent(2, "search", search.left(3)),
        toolCallEvent(1, {}, lima.left(4)),
        toolCallEvent(0, {}, weather.left(11)),
        toolCallEvent(2, {}, search.mid(3)),
        toolCallEvent(1, {}, lima.mid(4)),
        toolCallEvent(0, {}, cutOff ? QByteArray() : weather.mid(11)),
        sseEvent(R"({"choices":[{"index":0,"delta":{},"finish_reason":")" + finish + R"("}]})"),
        sseEvent("[DONE]"),
    };
    m_backend->on("/v1/chat/completions", response);
    const ApiReply reply =
        m_client->post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":)" +
                                           QByteArray(stream ? "true" : "false") + "," + ToolRequest + "}");
    QCOMPARE(reply.status, 200);

    QByteArrayList names;
    QByteArrayList received;
    if (stream) {
        int open = -1;
        int next = 0;
        for (const auto &frame : reply.frames()) {
            const QJsonObject data = frame.json();
            if (frame.event == "content_block_start") {
                QCOMPARE(open, -1);
                QCOMPARE(data[u"index"].toInt(), next++);
                open = data[u"index"].toInt();
                names.append(data[u"content_block"][u"name"].toString().toUtf8());
                received.append(QByteArray());
            } else if (frame.event == "content_block_delta") {
                QCOMPARE(data[u"index"].toInt(), open);
                received.last() += data[u"delta"][u"partial_json"].toString().toUtf8();
            } else if (frame.event == "content_block_stop") {
                QCOMPARE(data[u"index"].toInt(), open);
                open = -1;
            } else if (frame.event == "message_delta") {
                QCOMPARE(open, -1);
                QCOMPARE(data[u"delta"][u"stop_reason"].toString(), stopReason);
            }
        }
        QCOMPARE(reply.eventNames().last(), QByteArray("message_stop"));
    } else {
        const QJsonObject message = reply.json();
        QCOMPARE(message[u"stop_reason"].toString(), stopReason);
        for (const auto block : message[u"content"].toArray()) {
            names.append(block[u"name"].toString().toUtf8());
            received.append(QJsonDocument(block[u"input"].toObject()).toJson(QJsonDocument::Compact));
        }
    }
    QCOMPARE(names, QByteArrayList({"get_weather", "get_weather", "search"}));
    QCOMPARE(received.size(), inputs.size());
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        const QJsonDocument expected = QJsonDocument::fromJson(inputs[i]);
        if (expected.isObject()) {
            QCOMPARE(QJsonDocument::fromJson(received[i]).object(), expected.object());
        } else {
            QCOMPARE(received[i], inputs[i]); // a cut-off call's fragment, streamed as it came
        }
    }
}

void TestToolsAndThinking::reasoning_becomesASignedThinkingBlock()
{
    FakeResponse response;
    response.headers = {{"Content-Type", "text/event-stream"}};
    response.chunks = {
        sseEvent(R"({"choices":[{"index":0,"delta":{"reasoning_content":"The user wants"}}]})"),
        sseEvent(R"({"choices":[{"index":0,"delta":{"reasoning_content":" a number."}}]})"),
        sseEvent(R"({"choices":[{"index":0,"delta":{"content":"42"}}]})"),
        sseEvent(R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"),
        sseEvent("[DONE]"),
    };
    m_backend->on("/v1/chat/completions", response);
    const QByteArray body = R"({"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},
        "messages":[{"role":"user","content":"Pick a number"}]})";
    const ApiReply message = m_client->post("/v1/messages", body);
    const QJsonArray content = message.json()[u"content"].toArray();
    QCOMPARE(content[0][u"type"].toString(), u"thinking");
    QCOMPARE(content[0][u"thinking"].toString(), u"The user wants a number.");
    QVERIFY(content[0][u"signature"].toString().startsWith(u"switchboard.v1."));
    QCOMPARE(content[1][u"text"].toString(), u"42");

    QByteArray streamed = body;
    streamed.replace("\"max_tokens\":4096", "\"max_tokens\":4096,\"stream\":true");
    const ApiReply stream = m_client->post("/v1/messages", streamed);
    QByteArrayList deltas;
    for (const auto &frame : stream.frames()) {
        if (frame.event == "content_block_delta") {
            deltas.append(frame.json()[u"delta"][u"type"].toString().toUtf8());
        }
    }
    QCOMPARE(deltas, QByteArrayList({"thinking_delta", "thinking_delta", "signature_delta", "text_delta"}));
    const QJsonObject upstream = QJsonDocument::fromJson(m_backend->lastRequest().body).object();
    QCOMPARE(upstream[u"chat_template_kwargs"][u"enable_thinking"].toBool(), true);
    QCOMPARE(upstream[u"reasoning_effort"].toString(), u"low");
}

void TestToolsAndThinking::request_carriesToolsImagesAndThinking()
{
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    const ApiReply reply = m_client->post("/v1/messages", R"({"model":"m","max_tokens":64,
        "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
        "tool_choice":{"type":"any","disable_parallel_tool_use":true},
        "messages":[
          {"role":"user","content":[{"type":"text","text":"weather?"},
             {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"need a tool","signature":"switchboard.v1.x"},
             {"type":"tool_use","id":"toolu_9","name":"get_weather","input":{}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"sunny"}]}]})");
    QCOMPARE(reply.status, 200);
    const QJsonObject upstream = QJsonDocument::fromJson(m_backend->lastRequest().body).object();
    QCOMPARE(upstream[u"tool_choice"].toString(), u"required");
    QCOMPARE(upstream[u"parallel_tool_calls"].toBool(true), false);
    QCOMPARE(upstream[u"tools"][0][u"function"][u"name"].toString(), u"get_weather");
    const QJsonArray messages = upstream[u"messages"].toArray();
    QCOMPARE(messages[0][u"content"][1][u"image_url"][u"url"].toString(), u"data:image/jpeg;base64,/9j/4AAQ");
    QCOMPARE(messages[1][u"reasoning_content"].toString(), u"need a tool");
    QCOMPARE(messages[1][u"tool_calls"][0][u"id"].toString(), u"toolu_9");
    QCOMPARE(messages[2][u"role"].toString(), u"tool");
    QCOMPARE(messages[2][u"content"].toString(), u"sunny");
}

void TestToolsAndThinking::pdf_isRefusedOnChatCompletions()
{
    const ApiReply reply = m_client->post("/v1/messages", R"({"model":"m","max_tokens":64,"stream":true,
        "messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="}},
                                              {"type":"text","text":"summarise"}]}]})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"invalid_request_error");
    QVERIFY(reply.json()[u"error"][u"message"].toString().contains(u"Anthropic-native backend"));
    QCOMPARE(m_backend->requests().size(), 0);
}

void TestToolsAndThinking::toolLoop_withTheSimulator()
{
    TestGateway gateway(TestGateway::simulator(0));
    ApiClient client(gateway.url);
    const QByteArray tools =
        R"("tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])";
    const ApiReply first =
        client.post("/v1/messages", R"({"model":"m","max_tokens":200,)" + tools +
                                        R"(,"messages":[{"role":"user","content":"Use get_weather for \"Lima\""}]})");
    const QJsonObject call = first.json()[u"content"][1].toObject();
    QCOMPARE(first.json()[u"stop_reason"].toString(), u"tool_use");
    QCOMPARE(call[u"input"][u"city"].toString(), u"Lima");
    const QByteArray id = call[u"id"].toString().toUtf8();
    const ApiReply second = client.post("/v1/messages", R"({"model":"m","max_tokens":200,)" + tools + R"(,"messages":[
            {"role":"user","content":"Use get_weather for \"Lima\""},
            {"role":"assistant","content":[{"type":"tool_use","id":")" +
                                                            id + R"(","name":"get_weather","input":{"city":"Lima"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":")" +
                                                            id + R"(","content":"21C, clear"}]}]})");
    QCOMPARE(second.json()[u"stop_reason"].toString(), u"end_turn");
    QCOMPARE(second.json()[u"content"][0][u"text"].toString(), u"Calling the get_weather tool returned: 21C, clear.");
}

QTEST_GUILESS_MAIN(TestToolsAndThinking)
#include "tst_toolsandthinking.moc"
