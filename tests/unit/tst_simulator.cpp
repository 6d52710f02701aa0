// SPDX-License-Identifier: MIT
#include "api/imageinfo.h"
#include "api/requestdecoder.h"
#include "backend/simulator/schemaexample.h"
#include "backend/simulator/simulatedreply.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;

// The simulator's replies (tool calls, tool results, thinking, attachments), the schema examples it
// fills tool inputs with, and the image header reader behind image acknowledgements and estimates.
class TestSimulator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toolCall_happensWhenAskedOrForced_data();
    void toolCall_happensWhenAskedOrForced();
    void toolResults_areReported();
    void thinking_comesFirstWhenEnabled();
    void attachments_areAcknowledged();
    void sameRequest_sameReply();
    void schemaExample_isValidForItsSchema_data();
    void schemaExample_isValidForItsSchema();
    void imageDimensions_areReadFromHeaders_data();
    void imageDimensions_areReadFromHeaders();
    void imageTokens_followAnthropicsFormula_data();
    void imageTokens_followAnthropicsFormula();
};

namespace {

const QByteArray Tools = R"("tools":[
    {"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
    {"name":"get_time","input_schema":{"type":"object","properties":{"zone":{"type":"string","enum":["UTC","CET"]}}}}])";

SimulatedReply reply(const QByteArray &json)
{
    const auto request = RequestDecoder::decode(json, RequestDecoder::Endpoint::Messages);
    if (!request) {
        qFatal("bad test request: %s", request.error().message.constData());
    }
    return SimulatedReply::compose(*request);
}

QByteArray png(int width, int height)
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    for (int value : {width, height}) {
        bytes.append(char(value >> 24)).append(char(value >> 16)).append(char(value >> 8)).append(char(value));
    }
    return bytes + QByteArray(5, '\0');
}

} // namespace

void TestSimulator::toolCall_happensWhenAskedOrForced_data()
{
    QTest::addColumn<QByteArray>("userText");
    QTest::addColumn<QByteArray>("toolChoice");
    QTest::addColumn<QByteArray>("tool");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("withText");

    QTest::addRow("named in the prompt") << QByteArray("Use get_weather for \\\"Oslo\\\"") << QByteArray()
                                         << QByteArray("get_weather") << QByteArray(R"({"city":"Oslo"})") << true;
    QTest::addRow("named with spaces") << QByteArray("what does get time say?") << QByteArray()
                                       << QByteArray("get_time") << QByteArray(R"({"zone":"UTC"})") << true;
    QTest::addRow("not named") << QByteArray("hello") << QByteArray() << QByteArray() << QByteArray() << false;
    QTest::addRow("forced any") << QByteArray("hello") << QByteArray(R"("tool_choice":{"type":"any"},)")
                                << QByteArray("get_weather") << QByteArray(R"({"city":"example"})") << false;
    QTest::addRow("forced tool") << QByteArray("hello")
                                 << QByteArray(R"("tool_choice":{"type":"tool","name":"get_time"},)")
                                 << QByteArray("get_time") << QByteArray(R"({"zone":"UTC"})") << false;
    QTest::addRow("none") << QByteArray("use get_weather") << QByteArray(R"("tool_choice":{"type":"none"},)")
                          << QByteArray() << QByteArray() << false;
}

void TestSimulator::toolCall_happensWhenAskedOrForced()
{
    QFETCH(QByteArray, userText);
    QFETCH(QByteArray, toolChoice);
    QFETCH(QByteArray, tool);
    QFETCH(QByteArray, input);
    QFETCH(bool, withText);
    const auto answer = reply(R"({"model":"m","max_tokens":100,)" + toolChoice + Tools +
                              R"(,"messages":[{"role":"user","content":")" + userText + "\"}]}");
    if (tool.isEmpty()) {
        QVERIFY(!answer.toolCall);
        QVERIFY(!answer.text.isEmpty());
        return;
    }
    QVERIFY(answer.toolCall);
    QCOMPARE(answer.toolCall->name, tool);
    QCOMPARE(answer.toolCall->input, input);
    QCOMPARE(!answer.text.isEmpty(), withText); // a forced call comes without preamble, as from the API
}

void TestSimulator::toolResults_areReported()
{
    const auto answer = reply(R"({"model":"m","max_tokens":100,)" + Tools + R"(,"messages":[
        {"role":"user","content":"Use get_weather for Oslo and get_time"},
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_a","name":"get_weather","input":{"city":"Oslo"}},
                                       {"type":"tool_use","id":"toolu_b","name":"get_time","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_a","content":"4C and raining"},
                                  {"type":"tool_result","tool_use_id":"toolu_b","is_error":true,"content":"no clock"}]}]})");
    QVERIFY(!answer.toolCall); // the loop ends: no new call after results
    QCOMPARE(answer.text, QByteArray("Calling the get_weather tool returned: 4C and raining. "
                                     "Calling the get_time tool failed: no clock."));
}

void TestSimulator::thinking_comesFirstWhenEnabled()
{
    const auto on = reply(R"({"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":1024},
        "messages":[{"role":"user","content":"Why is the sky blue?"}]})");
    QVERIFY(on.thinking.contains("Why is the sky blue?"));
    QVERIFY(!on.text.isEmpty());
    const auto off = reply(R"({"model":"m","max_tokens":4096,"thinking":{"type":"disabled"},
        "messages":[{"role":"user","content":"Why is the sky blue?"}]})");
    QVERIFY(off.thinking.isEmpty());
}

void TestSimulator::attachments_areAcknowledged()
{
    const QByteArray image = png(640, 480).toBase64();
    const auto answer = reply(R"({"model":"m","max_tokens":100,"messages":[{"role":"user","content":[
        {"type":"text","text":"What are these?"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":")" +
                              image + R"("}},
        {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
        {"type":"document","title":"Notes","source":{"type":"text","media_type":"text/plain","data":"abc"}}]}]})");
    QVERIFY2(answer.text.contains("It received an image/png image of 29 bytes (640x480 pixels), "
                                  "an image at https://example.com/cat.jpg, a text document \"Notes\" of 3 "
                                  "characters."),
             answer.text.constData());
}

void TestSimulator::sameRequest_sameReply()
{
    const QByteArray request =
        R"({"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Tell me about owls"}]})";
    QCOMPARE(reply(request).text, reply(request).text);
    QVERIFY(
        reply(request).text !=
        reply(R"({"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Tell me about cats"}]})").text);
}

void TestSimulator::schemaExample_isValidForItsSchema_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QByteArray>("example");

    QTest::addRow("empty object") << QByteArray(R"({"type":"object"})") << QByteArray("{}");
    QTest::addRow("required only")
        << QByteArray(
               R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"]})")
        << QByteArray(R"({"b":1})");
    QTest::addRow("all when none required")
        << QByteArray(R"({"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"number","minimum":2.5}}})")
        << QByteArray(R"({"a":true,"b":2.5})");
    QTest::addRow("enum, const, default")
        << QByteArray(
               R"({"type":"object","properties":{"e":{"enum":["x","y"]},"c":{"const":7},"d":{"type":"string","default":"dflt"}}})")
        << QByteArray(R"({"e":"x","c":7,"d":"dflt"})");
    QTest::addRow("nested and arrays")
        << QByteArray(
               R"({"type":"object","properties":{"items":{"type":"array","minItems":2,"items":{"type":"object","properties":{"id":{"type":"integer","exclusiveMinimum":0}},"required":["id"]}}},"required":["items"]})")
        << QByteArray(R"({"items":[{"id":1},{"id":1}]})");
    QTest::addRow("formats")
        << QByteArray(
               R"({"type":"object","properties":{"when":{"type":"string","format":"date-time"},"site":{"type":"string","format":"uri"}}})")
        << QByteArray(R"({"when":"2026-01-01T00:00:00Z","site":"https://example.com/"})");
    QTest::addRow("nullable type list and anyOf")
        << QByteArray(
               R"({"type":"object","properties":{"n":{"type":["null","integer"]},"u":{"anyOf":[{"type":"boolean"},{"type":"string"}]}}})")
        << QByteArray(R"({"n":1,"u":true})");
    QTest::addRow("claude code's Bash")
        << QByteArray(
               R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"number"},"description":{"type":"string"}},"required":["command"],"additionalProperties":false})")
        << QByteArray(R"({"command":"example"})");
}

void TestSimulator::schemaExample_isValidForItsSchema()
{
    QFETCH(QByteArray, schema);
    QFETCH(QByteArray, example);
    QCOMPARE(SchemaExample::forSchema(schema), example);
}

void TestSimulator::imageDimensions_areReadFromHeaders_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QSize>("size");
    QTest::addRow("png") << png(1920, 1080) << QSize(1920, 1080);
    QTest::addRow("gif") << QByteArray("GIF89a\x40\x01\xf0\x00\x00\x00", 12) << QSize(320, 240);
    QTest::addRow("jpeg after an app segment")
        << QByteArray("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                      "\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01",
                      39)
        << QSize(640, 480);
    QTest::addRow("webp lossless")
        << QByteArray("RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f\x3f\xc0\x3b\x00\x00\x00\x00\x00\x00", 30)
        << QSize(64, 240);
    QTest::addRow("webp extended")
        << QByteArray("RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\x7f\x02\x00\xdf\x01\x00", 30)
        << QSize(640, 480);
    QTest::addRow("not an image") << QByteArray("hello world, not an image") << QSize();
}

void TestSimulator::imageDimensions_areReadFromHeaders()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QSize, size);
    const auto dimensions = ImageInfo::dimensions(bytes);
    QCOMPARE(dimensions.value_or(QSize()), size);
}

void TestSimulator::imageTokens_followAnthropicsFormula_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("tokens");
    QTest::addRow("small") << 200 << 200 << 54;
    QTest::addRow("1092 square, about the maximum") << 1092 << 1092 << 1590;
    QTest::addRow("scaled down to 1568 px and 1092x1092 worth of pixels") << 4000 << 3000 << 1590;
    QTest::addRow("unknown size") << 0 << 0 << 1600;
}

void TestSimulator::imageTokens_followAnthropicsFormula()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, tokens);
    ImageInfo info;
    info.width = width;
    info.height = height;
    QCOMPARE(info.estimatedTokens(), tokens);
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
