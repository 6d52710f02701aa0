// SPDX-License-Identifier: MIT
#include "api/requestdecoder.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

class TestRequestDecoder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidRequest_namesTheField_data();
    void invalidRequest_namesTheField();
    void validRequest_isAccepted_data();
    void validRequest_isAccepted();
    void blocks_decodeIntoTypedValues();
    void systemMessages_stayInPlace();
    void claudeCodeRequests_decode_data();
    void claudeCodeRequests_decode();
    void duplicateKeys_theLastOneCounts();
    void countTokens_needsNoMaxTokens();
    void deepNesting_isRefused();
};

namespace {

const QByteArray Minimal = R"({"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]})";

// `Minimal` with one top-level field replaced or added.
QByteArray withField(const char *field, const QByteArray &json)
{
    QJsonObject object = QJsonDocument::fromJson(Minimal).object();
    object.insert(QString::fromUtf8(field), QJsonDocument::fromJson(QByteArray("[") + json + "]").array().at(0));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray withMessages(const QByteArray &messages)
{
    return withField("messages", messages);
}

// A JSON list of `count` copies of `item`.
QByteArray repeated(const QByteArray &item, std::size_t count)
{
    QByteArray list = "[";
    for (std::size_t i = 0; i < count; ++i) {
        list += (i > 0 ? "," : "") + item;
    }
    return list + ']';
}

// A base64 PNG that is only a signature and an IHDR chunk: enough for its type and size.
QByteArray pngOf(quint32 width, quint32 height)
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", 16);
    for (const quint32 side : {width, height}) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes.append(char((side >> shift) & 0xFF));
        }
    }
    return bytes.toBase64();
}

QByteArray imageMessage(const QByteArray &mediaType, const QByteArray &data, int count = 1)
{
    const QByteArray block =
        R"({"type":"image","source":{"type":"base64","media_type":")" + mediaType + R"(","data":")" + data + R"("}})";
    return R"([{"role":"user","content":)" + repeated(block, std::size_t(count)) + "}]";
}

const QByteArray TinyPng =
    R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}})";

} // namespace

void TestRequestDecoder::invalidRequest_namesTheField_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::addRow("not json") << QByteArray("{") << "Request body is not valid JSON";
    QTest::addRow("empty body") << QByteArray("") << "Request body is empty";
    QTest::addRow("array body") << QByteArray("[]") << "Request body must be a JSON object";
    QTest::addRow("missing model") << QByteArray(R"({"max_tokens":1,"messages":[{"role":"user","content":"x"}]})")
                                   << "model: Field required";
    QTest::addRow("model not a string") << withField("model", "7") << "model: Input should be a valid string";
    QTest::addRow("empty model") << withField("model", R"("")") << "model: String should have at least 1 character";
    QTest::addRow("missing max_tokens") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}]})")
                                        << "max_tokens: Field required";
    QTest::addRow("max_tokens zero") << withField("max_tokens", "0")
                                     << "max_tokens: Input should be greater than or equal to 1";
    QTest::addRow("max_tokens fraction") << withField("max_tokens", "1.5")
                                         << "max_tokens: Input should be a valid integer, got a number with a "
                                            "fractional part";
    QTest::addRow("max_tokens string") << withField("max_tokens", R"("10")")
                                       << "max_tokens: Input should be a valid integer";
    QTest::addRow("max_tokens huge") << withField("max_tokens", "99999999999")
                                     << "max_tokens: Input should be less than or equal to 2147483647";
    QTest::addRow("missing messages") << QByteArray(R"({"model":"m","max_tokens":1})") << "messages: Field required";
    QTest::addRow("messages not a list") << withMessages(R"({})") << "messages: Input should be a valid list";
    QTest::addRow("no messages") << withMessages("[]")
                                 << "messages: List should have at least 1 item after validation, not 0";
    QTest::addRow("message not an object") << withMessages("[1]") << "messages.0: Input should be a valid dictionary";
    QTest::addRow("missing role") << withMessages(R"([{"content":"x"}])") << "messages.0.role: Field required";
    QTest::addRow("bad role") << withMessages(R"([{"role":"tool","content":"x"}])")
                              << "messages.0.role: Input should be 'user', 'assistant' or 'system'";
    QTest::addRow("missing content") << withMessages(R"([{"role":"user"}])") << "messages.0.content: Field required";
    QTest::addRow("content a number") << withMessages(R"([{"role":"user","content":3}])")
                                      << "messages.0.content: Input should be a valid string or a list of content "
                                         "blocks";
    QTest::addRow("block without type") << withMessages(R"([{"role":"user","content":[{"text":"x"}]}])")
                                        << "messages.0.content.0.type: Field required";
    QTest::addRow("text block without text") << withMessages(R"([{"role":"user","content":[{"type":"text"}]}])")
                                             << "messages.0.content.0.text: Field required";
    QTest::addRow("empty text block") << withMessages(R"([{"role":"user","content":[{"type":"text","text":""}]}])")
                                      << "messages.0.content.0.text: text content blocks must be non-empty";
    QTest::addRow("empty user turn") << withMessages(R"([{"role":"user","content":""},{"role":"user","content":"x"}])")
                                     << "messages: all messages must have non-empty content except for the optional "
                                        "final assistant message";
    QTest::addRow("image with bad media type")
        << withMessages(
               R"([{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"AA=="}}]}])")
        << "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or "
           "'image/webp'";
    QTest::addRow("image without source") << withMessages(R"([{"role":"user","content":[{"type":"image"}]}])")
                                          << "messages.0.content.0.source: Field required";
    // Images: checked as the API checks them, before any backend sees them.
    QTest::addRow("image with empty data")
        << withMessages(imageMessage("image/png", "")) << "messages.0.content.0.source.data: image cannot be empty";
    QTest::addRow("image data not base64") << withMessages(imageMessage("image/png", "iVBOR@@w0KGgo="))
                                           << "messages.0.content.0.source.data: Could not process image";
    QTest::addRow("image data not an image")
        << withMessages(imageMessage("image/png", QByteArray("hello, world").toBase64()))
        << "messages.0.content.0.source.data: Could not process image";
    QTest::addRow("image type mismatch") << withMessages(imageMessage("image/jpeg", pngOf(10, 10)))
                                         << "messages.0.content.0.source.data: Image does not match the provided "
                                            "media type image/jpeg";
    QTest::addRow("image over 5 MB") << withMessages(imageMessage("image/png", QByteArray(5 * 1024 * 1024 + 4, 'A')))
                                     << "messages.0.content.0.source.data: image exceeds 5 MB maximum: 5242884 bytes "
                                        "> 5242880 bytes";
    QTest::addRow("image side over 8000 px")
        << withMessages(imageMessage("image/png", pngOf(8001, 10)))
        << "messages.0.content.0.source.data: At least one of the image dimensions exceed max allowed size: 8000 "
           "pixels";
    QTest::addRow("many images, one side over 2000 px")
        << withMessages(imageMessage("image/png", pngOf(2001, 10), 21))
        << "messages.0.content.0.source.data: At least one of the image dimensions exceed max allowed size for "
           "many-image requests: 2000 pixels";
    // The API's other rules.
    QTest::addRow("whitespace-only stop sequence") << withField("stop_sequences", R"(["END"," 
"])") << "stop_sequences.1: each stop sequence must contain non-whitespace";
    QTest::addRow("prefill ending in whitespace")
        << withMessages(R"([{"role":"user","content":"x"},{"role":"assistant","content":"Sure, "}])")
        << "messages: final assistant content cannot end with trailing whitespace";
    QTest::addRow("cache_control of unknown type")
        << withMessages(
               R"([{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"forever"}}]}])")
        << "messages.0.content.0.cache_control.type: Input should be 'ephemeral'";
    QTest::addRow("cache_control with unknown ttl")
        << withField("system", R"([{"type":"text","text":"s","cache_control":{"type":"ephemeral","ttl":"2h"}}])")
        << "system.0.cache_control.ttl: Input should be '5m' or '1h'";
    QTest::addRow("cache_control on a tool")
        << withField("tools", R"([{"name":"t","input_schema":{"type":"object"},"cache_control":{"ttl":"5m"}}])")
        << "tools.0.cache_control.type: Field required";
    QTest::addRow("tool_use in a user turn")
        << withMessages(R"([{"role":"user","content":[{"type":"tool_use","id":"t","name":"n","input":{}}]}])")
        << "messages.0.content.0.type: `tool_use` blocks are only allowed in assistant messages";
    QTest::addRow("tool_use input not an object")
        << withMessages(
               R"([{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":[]}]}])")
        << "messages.1.content.0.input: Input should be a valid dictionary";
    QTest::addRow("tool_result in an assistant turn")
        << withMessages(
               R"([{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"t"}]}])")
        << "messages.1.content.0.type: `tool_result` blocks are only allowed in user messages";
    QTest::addRow("tool_use without result")
        << withMessages(
               R"([{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"n","input":{}}]},{"role":"user","content":"y"}])")
        << "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1";
    QTest::addRow("result without tool_use")
        << withMessages(R"([{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"r"}]}])")
        << "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9";
    QTest::addRow("thinking in a user turn")
        << withMessages(R"([{"role":"user","content":[{"type":"thinking","thinking":"t","signature":"s"}]}])")
        << "messages.0.content.0.type: `thinking` blocks are only allowed in assistant messages";
    QTest::addRow("thinking without signature")
        << withMessages(
               R"([{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"thinking","thinking":"t"}]}])")
        << "messages.1.content.0.signature: Field required";
    QTest::addRow("system not text") << withField("system", R"([{"type":"image"}])")
                                     << "system.0.type: Input should be 'text'";
    QTest::addRow("system a number") << withField("system", "1")
                                     << "system: Input should be a valid string or a list of text blocks";
    QTest::addRow("temperature above 1") << withField("temperature", "1.5")
                                         << "temperature: Input should be less than or equal to 1";
    QTest::addRow("temperature negative")
        << withField("temperature", "-0.1") << "temperature: Input should be greater than or equal to 0";
    QTest::addRow("temperature a string")
        << withField("temperature", R"("hot")") << "temperature: Input should be a valid number";
    QTest::addRow("top_p above 1") << withField("top_p", "2") << "top_p: Input should be less than or equal to 1";
    QTest::addRow("top_k negative") << withField("top_k", "-1") << "top_k: Input should be greater than or equal to 0";
    QTest::addRow("top_k fraction") << withField("top_k", "2.5")
                                    << "top_k: Input should be a valid integer, got a number with a fractional part";
    QTest::addRow("stop_sequences not a list")
        << withField("stop_sequences", R"("x")") << "stop_sequences: Input should be a valid list";
    QTest::addRow("stop sequence not a string")
        << withField("stop_sequences", "[1]") << "stop_sequences.0: Input should be a valid string";
    QTest::addRow("empty stop sequence") << withField("stop_sequences", R"(["a",""])")
                                         << "stop_sequences.1: each stop sequence must be non-empty";
    QTest::addRow("stream not a boolean")
        << withField("stream", R"("yes")") << "stream: Input should be a valid boolean";
    QTest::addRow("metadata not an object")
        << withField("metadata", "1") << "metadata: Input should be a valid dictionary";
    const QByteArray longUserId = R"({"user_id":")" + QByteArray(300, 'u') + "\"}";
    QTest::addRow("user_id too long") << withField("metadata", longUserId.constData())
                                      << "metadata.user_id: String should have at most 256 characters";
    QTest::addRow("tool without schema") << withField("tools", R"([{"name":"t"}])")
                                         << "tools.0.input_schema: Field required";
    QTest::addRow("tool schema not an object type")
        << withField("tools", R"([{"name":"t","input_schema":{"type":"array"}}])")
        << "tools.0.input_schema.type: Input should be 'object'";
    QTest::addRow("tool name with spaces")
        << withField("tools", R"([{"name":"my tool","input_schema":{"type":"object"}}])")
        << "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'";
    QTest::addRow("duplicate tool names")
        << withField("tools",
                     R"([{"name":"t","input_schema":{"type":"object"}},{"name":"t","input_schema":{"type":"object"}}])")
        << "tools.1: Tool names must be unique";
    QTest::addRow("tool_choice unknown type") << withField("tool_choice", R"({"type":"sometimes"})")
                                              << "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
    QTest::addRow("tool_choice tool without name")
        << withField("tool_choice", R"({"type":"tool"})") << "tool_choice.name: Field required";
    QTest::addRow("tool_choice any without tools") << withField("tool_choice", R"({"type":"any"})")
                                                   << "tool_choice: forcing tool use requires `tools` to be provided";
    QTest::addRow("thinking unknown type") << withField("thinking", R"({"type":"maybe"})")
                                           << "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'";
    QTest::addRow("thinking budget too small") << withField("thinking", R"({"type":"enabled","budget_tokens":100})")
                                               << "thinking.budget_tokens: Input should be greater than or equal to "
                                                  "1024";
    QTest::addRow("thinking budget above max_tokens")
        << withField("thinking", R"({"type":"enabled","budget_tokens":2000})")
        << "thinking.budget_tokens: must be less than max_tokens (16)";

    // Bounds: each names its limit.
    QTest::addRow("model name too long") << withField("model", '"' + QByteArray(257, 'm') + '"')
                                         << "model: String should have at most 256 characters";
    QTest::addRow("too many messages")
        << withMessages(repeated(R"({"role":"user","content":"x"})", RequestDecoder::MaxMessages + 1))
        << "messages: List should have at most 100000 items after validation, not 100001";
    QTest::addRow("too many content blocks")
        << withMessages(R"([{"role":"user","content":)" +
                        repeated(R"({"type":"text","text":"x"})", RequestDecoder::MaxContentBlocks + 1) + "}]")
        << "messages.0.content.100000: a request may hold at most 100000 content blocks";
    QTest::addRow("too many images") << withMessages(R"([{"role":"user","content":)" +
                                                     repeated(TinyPng, RequestDecoder::MaxImages + 1) + "}]")
                                     << "messages.0.content.600: a request may hold at most 600 images";
    QTest::addRow("too many images, nested in tool results")
        << withMessages(R"([{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},)"
                        R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":)" +
                        repeated(TinyPng, RequestDecoder::MaxImages + 1) + "}]}]")
        << "messages.1.content.0.content.600: a request may hold at most 600 images";
    QTest::addRow("too many tools") << withField("tools", repeated(R"({"name":"t","input_schema":{"type":"object"}})",
                                                                   RequestDecoder::MaxTools + 1))
                                    << "tools: List should have at most 1000 items, not 1001";
    QTest::addRow("too many stop sequences")
        << withField("stop_sequences", repeated(R"("x")", RequestDecoder::MaxStopSequences + 1))
        << "stop_sequences: List should have at most 256 items, not 257";
    QTest::addRow("stop sequence too long") << withField("stop_sequences", "[\"" + QByteArray(1025, 's') + "\"]")
                                            << "stop_sequences.0: String should have at most 1024 bytes";
}

void TestRequestDecoder::invalidRequest_namesTheField()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);

    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY2(!result.ok(), "the request was accepted");
    QCOMPARE(result.error().type, ApiErrorType::InvalidRequest);
    QCOMPARE(result.error().httpStatus(), 400);
    const QString actual = QString::fromUtf8(result.error().message);
    QVERIFY2(actual.startsWith(message), qPrintable(u"got: "_s + actual));
}

void TestRequestDecoder::validRequest_isAccepted_data()
{
    QTest::addColumn<QByteArray>("body");

    QTest::addRow("minimal") << Minimal;
    QTest::addRow("every sampling parameter")
        << QByteArray(R"({"model":"m","max_tokens":1024,"temperature":0.7,"top_p":0.9,"top_k":40,
            "stop_sequences":["\n\nHuman:"],"stream":true,"metadata":{"user_id":"u-1"},
            "system":"be brief","messages":[{"role":"user","content":"x"}]})");
    QTest::addRow("integral float max_tokens") << withField("max_tokens", "1024.0");
    QTest::addRow("null optional fields") << withField("temperature", "null");
    QTest::addRow("unknown fields are ignored")
        << QByteArray(R"({"model":"m","max_tokens":8,"service_tier":"auto","container":null,
            "context_management":{"edits":[]},"mcp_servers":[],"inference_geo":"us","future_field":{"a":1},
            "messages":[{"role":"user","content":"x","cache_control":{"type":"ephemeral"}}]})");
    QTest::addRow("assistant prefill may be empty")
        << withMessages(R"([{"role":"user","content":"x"},{"role":"assistant","content":""}])");
    QTest::addRow("seed multi-turn") << QByteArray(R"({"model":"llama-3.3-70b","max_tokens":1024,
            "system":"You are a helpful coding assistant.",
            "messages":[{"role":"user","content":"Write a Python function to reverse a string."},
                        {"role":"assistant","content":"def reverse(s): return s[::-1]"},
                        {"role":"user","content":"Now make it handle unicode properly."}]})");
    QTest::addRow("tool loop") << withMessages(
        R"([{"role":"user","content":"weather?"},
            {"role":"assistant","content":[{"type":"text","text":"checking"},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                {"type":"text","text":"and tomorrow?"}]}])");
    QTest::addRow("adaptive thinking with a new display value")
        << withField("thinking", R"({"type":"adaptive","display":"updates"})");
    QTest::addRow("enabled thinking") << QByteArray(
        R"({"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":1024},
            "messages":[{"role":"user","content":"x"}]})");
    QTest::addRow("server tool") << withField("tools", R"([{"type":"web_search_20250305","name":"web_search"}])");
    QTest::addRow("cache_control with a ttl") << withMessages(
        R"([{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"1h"}}]}])");
    QTest::addRow("a 8000 px image") << withMessages(imageMessage("image/png", pngOf(8000, 8000)));
    QTest::addRow("20 images of 2001 px") << withMessages(imageMessage("image/png", pngOf(2001, 10), 20));
    QTest::addRow("newline stop sequence with text") << withField("stop_sequences", R"(["

Human:"])");
    QTest::addRow("unknown block type is kept") << withMessages(
        R"([{"role":"user","content":[{"type":"search_result","source":"s","title":"t","content":[]}]}])");
}

void TestRequestDecoder::validRequest_isAccepted()
{
    QFETCH(QByteArray, body);
    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.constData());
}

void TestRequestDecoder::blocks_decodeIntoTypedValues()
{
    const QByteArray body = R"({"model":"m","max_tokens":2048,"temperature":0.5,"top_k":3,
        "stop_sequences":["END","\n\nEND"],"stream":true,
        "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
        "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
        "thinking":{"type":"adaptive"},
        "messages":[
          {"role":"user","content":[
             {"type":"text","text":"look"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
             {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}},
             {"type":"document","title":"Spec","source":{"type":"text","media_type":"text/plain","data":"hello"}}]},
          {"role":"assistant","content":[
             {"type":"thinking","thinking":"hmm","signature":"sig"},
             {"type":"redacted_thinking","data":"opaque"},
             {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris","days":2}}]},
          {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":[{"type":"text","text":"timeout"}]}]}]})";
    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.constData());
    const MessagesRequest &request = *result;

    QCOMPARE(request.maxTokens, 2048);
    QCOMPARE(request.temperature.value(), 0.5);
    QCOMPARE(request.topK.value(), 3);
    QVERIFY(!request.topP);
    QCOMPARE(request.stopSequences.size(), std::size_t(2));
    QCOMPARE(request.stopSequences[1], QByteArray("\n\nEND"));
    QVERIFY(request.stream);
    QCOMPARE(request.tools.size(), std::size_t(1));
    QCOMPARE(request.tools[0].inputSchema,
             QByteArray(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"));
    QCOMPARE(request.toolChoice->type, ToolChoice::Type::Auto);
    QVERIFY(request.toolChoice->disableParallelToolUse);
    QCOMPARE(request.thinking->type, ThinkingConfig::Type::Adaptive);

    const auto &user = request.messages[0].content;
    QCOMPARE(user.size(), std::size_t(4));
    QCOMPARE(user[0].as<TextBlock>().text, QByteArray("look"));
    QCOMPARE(user[1].as<ImageBlock>().source.kind, MediaSource::Kind::Base64);
    QCOMPARE(user[1].as<ImageBlock>().source.mediaType, QByteArray("image/png"));
    QCOMPARE(user[2].as<ImageBlock>().source.url, QByteArray("https://example.com/a.jpg"));
    QCOMPARE(user[3].as<DocumentBlock>().title, QByteArray("Spec"));
    QCOMPARE(user[3].as<DocumentBlock>().source.kind, MediaSource::Kind::Text);
    QCOMPARE(user[3].as<DocumentBlock>().source.data, QByteArray("hello"));

    const auto &assistant = request.messages[1].content;
    QCOMPARE(assistant[0].as<ThinkingBlock>().signature, QByteArray("sig"));
    QCOMPARE(assistant[1].as<RedactedThinkingBlock>().data, QByteArray("opaque"));
    QCOMPARE(assistant[2].as<ToolUseBlock>().input, QByteArray(R"({"city":"Paris","days":2})"));

    const auto &result2 = request.messages[2].content[0].as<ToolResultBlock>();
    QVERIFY(result2.isError);
    QCOMPARE(result2.toolUseId, QByteArray("toolu_1"));
    QCOMPARE(result2.content[0].as<TextBlock>().text, QByteArray("timeout"));
}

void TestRequestDecoder::systemMessages_stayInPlace()
{
    const QByteArray body = R"({"model":"m","max_tokens":8,"system":"first",
        "messages":[{"role":"system","content":"zeroth"},
                    {"role":"user","content":"x"},
                    {"role":"system","content":"second"},
                    {"role":"system","content":[{"type":"text","text":"third"}]},
                    {"role":"system","content":""},
                    {"role":"user","content":"y"},
                    {"role":"system","content":"last"}]})";
    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY(result.ok());
    QCOMPARE(result->system.size(), std::size_t(1)); // the top system prompt is the client's, untouched
    QCOMPARE(result->messages.size(), std::size_t(2));
    const auto &systems = result->systemMessages;
    QCOMPARE(systems.size(), std::size_t(4)); // an empty one carries nothing
    const std::size_t positions[] = {0, 1, 1, 2};
    const QByteArray texts[] = {"zeroth", "second", "third", "last"};
    for (std::size_t i = 0; i < systems.size(); ++i) {
        QCOMPARE(systems[i].beforeMessage, positions[i]);
        QCOMPARE(systems[i].content.front().text, texts[i]);
    }
}

void TestRequestDecoder::claudeCodeRequests_decode_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addRow("first turn") << u"claude-code/01-first-turn-request.json"_s;
    QTest::addRow("tool_result follow-up") << u"claude-code/02-tool-result-request.json"_s;
}

void TestRequestDecoder::claudeCodeRequests_decode()
{
    QFETCH(QString, fixture);
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u'/' + fixture);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject capture = QJsonDocument::fromJson(file.readAll()).object();
    const QByteArray body = QJsonDocument(capture.value(u"body").toObject()).toJson(QJsonDocument::Compact);

    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.constData());
    QCOMPARE(result->model, QByteArray("claude-opus-5-5"));
    QCOMPARE(result->maxTokens, 128000);
    QVERIFY(result->stream);
    QCOMPARE(result->tools.size(), std::size_t(12));
    QCOMPARE(result->systemMessages.size(), std::size_t(1)); // Claude Code's "# Environment"
    QCOMPARE(result->systemMessages.front().beforeMessage, std::size_t(1));
    QCOMPARE(result->thinking->type, ThinkingConfig::Type::Adaptive);
    QCOMPARE(result->outputEffort, QByteArray("medium"));
    QVERIFY(result->system.front().text.startsWith("x-anthropic-billing-header:"));
}

void TestRequestDecoder::duplicateKeys_theLastOneCounts()
{
    // As the API's parser (and JSON.parse) read it, so what is checked is what an upstream uses.
    const QByteArray body = R"({"model":"first","max_tokens":1,"max_tokens":9,
        "messages":[{"role":"user","content":"x","content":"y"}],"model":"second"})";
    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.constData());
    QCOMPARE(result->model, QByteArray("second"));
    QCOMPARE(result->maxTokens, 9);
    QCOMPARE(result->messages.front().content.front().as<TextBlock>().text, QByteArray("y"));
}

void TestRequestDecoder::countTokens_needsNoMaxTokens()
{
    const QByteArray body = R"({"model":"m","messages":[{"role":"user","content":"x"}]})";
    QVERIFY(RequestDecoder::decode(body, RequestDecoder::Endpoint::CountTokens).ok());
    QVERIFY(!RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages).ok());
}

void TestRequestDecoder::deepNesting_isRefused()
{
    QByteArray nested = QByteArray(200, '[') + QByteArray(200, ']');
    const QByteArray body =
        R"({"model":"m","max_tokens":8,"metadata":{"x":)" + nested + R"(},"messages":[{"role":"user","content":"x"}]})";
    const auto result = RequestDecoder::decode(body, RequestDecoder::Endpoint::Messages);
    QVERIFY(!result.ok());
    QVERIFY(result.error().message.startsWith("Request body is nested too deeply"));
}

QTEST_GUILESS_MAIN(TestRequestDecoder)
#include "tst_requestdecoder.moc"
