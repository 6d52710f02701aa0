// SPDX-License-Identifier: MIT
#include "api/requestdecoder.h"
#include "backend/openai/chatrequestbuilder.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

// Anthropic Messages → OpenAI Chat Completions, compared as JSON values (key order aside).
class TestChatRequestBuilder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void translation_data();
    void translation();
    void parameters_areCarriedOver();
    void stopSequences_areNotSentUpstream();
    void binaryDocuments_areRefused();
    void untranslatableTurn_isRefused();
    void notes_sayWhatWasDropped();
    void claudeCodeRequest_translates();
    void claudeCodeAttribution_isNormalised();
    void toolResultImages_followAsAUserMessage();
    void thinking_usesTheConfiguredSwitch_data();
    void thinking_usesTheConfiguredSwitch();
    void systemMessages_followTheBackendSetting_data();
    void systemMessages_followTheBackendSetting();
};

namespace {

QJsonObject translate(const QByteArray &anthropic, ChatRequestOptions options = {})
{
    const auto decoded = RequestDecoder::decode(anthropic, RequestDecoder::Endpoint::Messages);
    if (!decoded) {
        QTest::qFail(QByteArray("decode failed: " + decoded.error().message).constData(), __FILE__, __LINE__);
        return {};
    }
    if (options.upstreamModel.isEmpty()) {
        options.upstreamModel = "up";
    }
    const auto translated = buildChatRequest(*decoded, options);
    if (!translated) {
        QTest::qFail(QByteArray("translate failed: " + translated.error().message).constData(), __FILE__, __LINE__);
        return {};
    }
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(translated->body, &error);
    if (error.error != QJsonParseError::NoError) {
        QTest::qFail(QByteArray("invalid JSON produced: " + translated->body).constData(), __FILE__, __LINE__);
    }
    return document.object();
}

QJsonArray messagesOf(const QByteArray &anthropicMessages, const QByteArray &extra = {})
{
    return translate(R"({"model":"m","max_tokens":10,)" + extra + R"("messages":)" + anthropicMessages + "}")
        .value(u"messages")
        .toArray();
}

QJsonArray json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).array();
}

} // namespace

void TestChatRequestBuilder::translation_data()
{
    QTest::addColumn<QByteArray>("system");
    QTest::addColumn<QByteArray>("messages");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("plain text") << QByteArray() << QByteArray(R"([{"role":"user","content":"hi"}])")
                                << QByteArray(R"([{"role":"user","content":"hi"}])");
    QTest::addRow("system string") << QByteArray(R"("system":"be brief",)")
                                   << QByteArray(R"([{"role":"user","content":"hi"}])")
                                   << QByteArray(
                                          R"([{"role":"system","content":"be brief"},{"role":"user","content":"hi"}])");
    QTest::addRow("system blocks, and system messages in place")
        << QByteArray(R"("system":[{"type":"text","text":"a"},{"type":"text","text":"b"}],)")
        << QByteArray(
               R"([{"role":"user","content":"hi"},{"role":"system","content":"c"},{"role":"user","content":"more"}])")
        << QByteArray(R"([{"role":"system","content":"a\n\nb"},{"role":"user","content":"hi"},
                          {"role":"user","content":"<system-reminder>\nc\n</system-reminder>"},
                          {"role":"user","content":"more"}])");
    QTest::addRow("a system message between tool calls and their results follows the results")
        << QByteArray() << QByteArray(R"([{"role":"user","content":"q"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
              {"role":"system","content":"note"},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"r"},
                                        {"type":"text","text":"go on"}]}])")
        << QByteArray(R"([{"role":"user","content":"q"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function",
                "function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"t1","content":"r"},
              {"role":"user","content":"<system-reminder>\nnote\n</system-reminder>"},
              {"role":"user","content":"go on"}])");
    QTest::addRow("multi-turn") << QByteArray()
                                << QByteArray(R"([{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},
                                                  {"role":"user","content":"q2"}])")
                                << QByteArray(R"([{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},
                                                  {"role":"user","content":"q2"}])");
    QTest::addRow("consecutive user turns stay apart")
        << QByteArray()
        << QByteArray(R"([{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"}]}])")
        << QByteArray(R"([{"role":"user","content":"a"},{"role":"user","content":"b"}])");
    QTest::addRow("images") << QByteArray() << QByteArray(R"([{"role":"user","content":[
                                 {"type":"text","text":"what is this"},
                                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                                 {"type":"image","source":{"type":"url","url":"https://e.com/a.jpg"}}]}])")
                            << QByteArray(R"([{"role":"user","content":[
                                 {"type":"text","text":"what is this"},
                                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                                 {"type":"image_url","image_url":{"url":"https://e.com/a.jpg"}}]}])");
    QTest::addRow("text document") << QByteArray()
                                   << QByteArray(R"([{"role":"user","content":[{"type":"document","title":"Spec",
                                        "source":{"type":"text","media_type":"text/plain","data":"body"}}]}])")
                                   << QByteArray(R"([{"role":"user","content":"Spec\n\nbody"}])");
    QTest::addRow("tool loop: results first, right after the call, then the turn's text")
        << QByteArray() << QByteArray(R"([{"role":"user","content":"weather?"},
              {"role":"assistant","content":[{"type":"text","text":"checking"},
                  {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                  {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]},
              {"role":"user","content":[{"type":"text","text":"and?"},
                  {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                  {"type":"tool_result","tool_use_id":"toolu_2","is_error":true,"content":[{"type":"text","text":"timeout"}]}]}])")
        << QByteArray(R"([{"role":"user","content":"weather?"},
              {"role":"assistant","content":"checking","tool_calls":[
                  {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                  {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
              {"role":"tool","tool_call_id":"toolu_2","content":"Error: timeout"},
              {"role":"user","content":"and?"}])");
    QTest::addRow("tool call without text has null content")
        << QByteArray() << QByteArray(R"([{"role":"user","content":"x"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t"}]}])")
        << QByteArray(R"([{"role":"user","content":"x"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"t","content":""}])");
    QTest::addRow("thinking history becomes reasoning_content") << QByteArray()
                                                                << QByteArray(R"([{"role":"user","content":"x"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},
                  {"type":"redacted_thinking","data":"zzz"},{"type":"text","text":"42"}]},
              {"role":"user","content":"y"}])") << QByteArray(R"([{"role":"user","content":"x"},
              {"role":"assistant","content":"42","reasoning_content":"hmm"},
              {"role":"user","content":"y"}])");
    QTest::addRow("prefill stays last")
        << QByteArray() << QByteArray(R"([{"role":"user","content":"x"},{"role":"assistant","content":"{"}])")
        << QByteArray(R"([{"role":"user","content":"x"},{"role":"assistant","content":"{"}])");
}

void TestChatRequestBuilder::translation()
{
    QFETCH(QByteArray, system);
    QFETCH(QByteArray, messages);
    QFETCH(QByteArray, expected);
    const QJsonArray actual = messagesOf(messages, system);
    QCOMPARE(actual, json(expected));
}

void TestChatRequestBuilder::parameters_areCarriedOver()
{
    const QJsonObject body = translate(R"({"model":"client","max_tokens":321,"temperature":0.25,"top_p":0.5,"top_k":7,
        "stream":false,"metadata":{"user_id":"u"},
        "tools":[{"name":"f","description":"does f","input_schema":{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}}],
        "tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true},
        "messages":[{"role":"user","content":"x"}]})");
    QCOMPARE(body[u"model"].toString(), u"up");
    QCOMPARE(body[u"max_tokens"].toInt(), 321);
    QCOMPARE(body[u"temperature"].toDouble(), 0.25);
    QCOMPARE(body[u"top_p"].toDouble(), 0.5);
    QCOMPARE(body[u"top_k"].toInt(), 7);
    // Always streamed upstream, whatever the client asked: one path, early stops, time to first token.
    QCOMPARE(body[u"stream"].toBool(), true);
    QCOMPARE(body[u"stream_options"][u"include_usage"].toBool(), true);
    QVERIFY(!body.contains(u"user"));
    const QJsonObject function = body[u"tools"][0][u"function"].toObject();
    QCOMPARE(body[u"tools"][0][u"type"].toString(), u"function");
    QCOMPARE(function[u"name"].toString(), u"f");
    QCOMPARE(function[u"description"].toString(), u"does f");
    QCOMPARE(function[u"parameters"][u"properties"][u"a"][u"type"].toString(), u"integer");
    QCOMPARE(body[u"tool_choice"][u"function"][u"name"].toString(), u"f");
    QCOMPARE(body[u"parallel_tool_calls"].toBool(true), false);
}

void TestChatRequestBuilder::stopSequences_areNotSentUpstream()
{
    const QJsonObject body = translate(R"({"model":"m","max_tokens":5,"stop_sequences":["END"],
        "messages":[{"role":"user","content":"x"}]})");
    QVERIFY(!body.contains(u"stop"));
    QVERIFY(!body.contains(u"stop_sequences"));
    QVERIFY(!body.contains(u"temperature"));
    QVERIFY(!body.contains(u"top_k"));
}

void TestChatRequestBuilder::binaryDocuments_areRefused()
{
    const auto decoded = RequestDecoder::decode(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
        {"type":"text","text":"read"},
        {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="}}]}]})",
                                                RequestDecoder::Endpoint::Messages);
    QVERIFY(decoded.ok());
    const auto translated = buildChatRequest(*decoded, {});
    QVERIFY(!translated.ok());
    QCOMPARE(translated.error().httpStatus(), 400);
    QVERIFY(translated.error().message.startsWith("messages.0.content.1: application/pdf documents"));
}

void TestChatRequestBuilder::untranslatableTurn_isRefused()
{
    // A turn of nothing Chat Completions can carry would reach the model as no turn at all.
    const auto decoded = RequestDecoder::decode(R"({"model":"m","max_tokens":5,"messages":[
        {"role":"user","content":[{"type":"search_result","source":"s","title":"t","content":[]}]}]})",
                                                RequestDecoder::Endpoint::Messages);
    QVERIFY(decoded.ok());
    const auto translated = buildChatRequest(*decoded, {});
    QVERIFY(!translated.ok());
    QCOMPARE(translated.error().httpStatus(), 400);
    QVERIFY2(translated.error().message.startsWith("messages.0.content: none of this turn's blocks (search_result"),
             translated.error().message.constData());
}

void TestChatRequestBuilder::notes_sayWhatWasDropped()
{
    const auto decoded = RequestDecoder::decode(R"({"model":"m","max_tokens":5,"stop_sequences":["x"],
        "tools":[{"type":"web_search_20250305","name":"web_search"}],
        "messages":[{"role":"user","content":"x"},{"role":"system","content":"s"},
            {"role":"assistant","content":[{"type":"redacted_thinking","data":"z"},{"type":"text","text":"a"}]},
            {"role":"user","content":"y"}]})",
                                                RequestDecoder::Endpoint::Messages);
    QVERIFY(decoded.ok());
    const auto translated = buildChatRequest(*decoded, {});
    QVERIFY(translated.ok());
    const QByteArray notes = QByteArrayList(translated->notes.begin(), translated->notes.end()).join('\n');
    QVERIFY2(notes.contains("sent 1 `role: system` message(s) in place"), notes.constData());
    QVERIFY2(notes.contains("dropped a redacted_thinking block"), notes.constData());
    QVERIFY2(notes.contains("dropped server tool 'web_search'"), notes.constData());
    QVERIFY2(notes.contains("stop_sequences are matched by Switchboard"), notes.constData());
}

void TestChatRequestBuilder::claudeCodeRequest_translates()
{
    QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + u"/claude-code/02-tool-result-request.json");
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray request =
        QJsonDocument(QJsonDocument::fromJson(file.readAll()).object()[u"body"].toObject()).toJson();
    const QJsonObject body = translate(request);
    const QJsonArray messages = body[u"messages"].toArray();
    QCOMPARE(messages[0][u"role"].toString(), u"system");
    QVERIFY(!messages[0][u"content"].toString().contains(u"Primary working directory")); // not moved to the top
    QCOMPARE(messages[1][u"role"].toString(), u"user");
    QCOMPARE(messages[2][u"role"].toString(), u"user"); // Claude Code's "# Environment", in place
    QVERIFY(messages[2][u"content"].toString().startsWith(u"<system-reminder>\n# Environment"));
    QCOMPARE(messages[3][u"role"].toString(), u"assistant");
    QCOMPARE(messages[3][u"tool_calls"][0][u"function"][u"name"].toString(), u"Bash");
    QCOMPARE(messages[4][u"role"].toString(), u"tool");
    QCOMPARE(messages[4][u"tool_call_id"].toString(), u"toolu_HKwoQaSCbFORyx3VBlcaVfux");
    QCOMPARE(messages.size(), 5);
    QCOMPARE(body[u"tools"].toArray().size(), 12);
}

void TestChatRequestBuilder::claudeCodeAttribution_isNormalised()
{
    const QByteArray request = R"({"model":"m","max_tokens":5,"system":[
        {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.332.130; cc_entrypoint=cli; cch=a1b2c;"},
        {"type":"text","text":"You are Claude Code."}],"messages":[{"role":"user","content":"x"}]})";
    const QJsonObject first = translate(request);
    QCOMPARE(
        first[u"messages"][0][u"content"].toString(),
        u"x-anthropic-billing-header: cc_version=2.1.332.130; cc_entrypoint=cli; cch=00000;\n\nYou are Claude Code."_s);
    QByteArray next = request;
    next.replace("cch=a1b2c", "cch=ffe31"); // the next request of the same session
    QCOMPARE(translate(next)[u"messages"][0][u"content"], first[u"messages"][0][u"content"]);
}

void TestChatRequestBuilder::toolResultImages_followAsAUserMessage()
{
    // Claude Code's Read tool returns images; tool messages carry text only.
    const QJsonArray messages = messagesOf(R"([{"role":"user","content":"look at shot.png"},
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_r","name":"Read","input":{"file_path":"shot.png"}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_r","content":[
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
            {"type":"text","text":"what is it?"}]}])");
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages[2][u"role"].toString(), u"tool");
    QCOMPARE(messages[2][u"content"].toString(), u"(the result is the image(s) in the next message)");
    const QJsonArray parts = messages[3][u"content"].toArray();
    QCOMPARE(parts[0][u"text"].toString(), u"Image(s) returned by tool call toolu_r:");
    QCOMPARE(parts[1][u"image_url"][u"url"].toString(), u"data:image/png;base64,iVBORw0KGgo=");
    QCOMPARE(parts[2][u"text"].toString(), u"what is it?");
}

void TestChatRequestBuilder::thinking_usesTheConfiguredSwitch_data()
{
    QTest::addColumn<int>("style");
    QTest::addColumn<QByteArray>("thinking");
    QTest::addColumn<QByteArray>("expectedKwargs");
    QTest::addColumn<QByteArray>("expectedEffort");

    QTest::addRow("enabled, both") << int(ThinkingStyle::Both)
                                   << QByteArray(R"({"type":"enabled","budget_tokens":4000})") << QByteArray("true")
                                   << QByteArray("medium");
    QTest::addRow("small budget") << int(ThinkingStyle::ReasoningEffort)
                                  << QByteArray(R"({"type":"enabled","budget_tokens":1024})") << QByteArray()
                                  << QByteArray("low");
    QTest::addRow("disabled switches it off")
        << int(ThinkingStyle::ChatTemplateKwargs) << QByteArray(R"({"type":"disabled"})") << QByteArray("false")
        << QByteArray();
    QTest::addRow("never") << int(ThinkingStyle::None) << QByteArray(R"({"type":"adaptive"})") << QByteArray()
                           << QByteArray();
}

void TestChatRequestBuilder::thinking_usesTheConfiguredSwitch()
{
    QFETCH(int, style);
    QFETCH(QByteArray, thinking);
    QFETCH(QByteArray, expectedKwargs);
    QFETCH(QByteArray, expectedEffort);
    ChatRequestOptions options;
    options.thinkingStyle = ThinkingStyle(style);
    const QJsonObject body = translate(R"({"model":"m","max_tokens":8000,"thinking":)" + thinking +
                                           R"(,"messages":[{"role":"user","content":"x"}]})",
                                       options);
    if (expectedKwargs.isEmpty()) {
        QVERIFY(!body.contains(u"chat_template_kwargs"));
    } else {
        QCOMPARE(body[u"chat_template_kwargs"][u"enable_thinking"].toBool(), expectedKwargs == "true");
    }
    if (expectedEffort.isEmpty()) {
        QVERIFY(!body.contains(u"reasoning_effort"));
    } else {
        QCOMPARE(body[u"reasoning_effort"].toString().toUtf8(), expectedEffort);
    }
}

void TestChatRequestBuilder::systemMessages_followTheBackendSetting_data()
{
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("merge");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("user (default)") << int(SystemMessageRole::User) << false
                                    << QByteArray(R"([{"role":"user","content":"a"},
        {"role":"user","content":"<system-reminder>\nnote\n</system-reminder>"},{"role":"user","content":"b"},
        {"role":"assistant","content":"c"},{"role":"assistant","content":"d"}])");
    QTest::addRow("system") << int(SystemMessageRole::System) << false << QByteArray(R"([{"role":"user","content":"a"},
        {"role":"system","content":"note"},{"role":"user","content":"b"},
        {"role":"assistant","content":"c"},{"role":"assistant","content":"d"}])");
    QTest::addRow("developer") << int(SystemMessageRole::Developer) << false
                               << QByteArray(R"([{"role":"user","content":"a"},
        {"role":"developer","content":"note"},{"role":"user","content":"b"},
        {"role":"assistant","content":"c"},{"role":"assistant","content":"d"}])");
    QTest::addRow("user, merged for strict templates")
        << int(SystemMessageRole::User) << true << QByteArray(R"([{"role":"user","content":[
        {"type":"text","text":"a"},{"type":"text","text":"<system-reminder>\nnote\n</system-reminder>"},
        {"type":"text","text":"b"}]},{"role":"assistant","content":"cd"}])");
    QTest::addRow("system, merged around it")
        << int(SystemMessageRole::System) << true << QByteArray(R"([{"role":"user","content":"a"},
        {"role":"system","content":"note"},{"role":"user","content":"b"},{"role":"assistant","content":"cd"}])");
}

void TestChatRequestBuilder::systemMessages_followTheBackendSetting()
{
    QFETCH(int, role);
    QFETCH(bool, merge);
    QFETCH(QByteArray, expected);
    ChatRequestOptions options;
    options.systemMessageRole = SystemMessageRole(role);
    options.mergeConsecutiveTurns = merge;
    const QJsonObject body = translate(R"({"model":"m","max_tokens":10,"system":"top","messages":[
        {"role":"user","content":"a"},{"role":"system","content":"note"},{"role":"user","content":"b"},
        {"role":"assistant","content":"c"},{"role":"assistant","content":"d"}]})",
                                       options);
    QJsonArray messages = body[u"messages"].toArray();
    QCOMPARE(messages.first().toObject(), (QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, u"top"_s}}));
    messages.removeFirst();
    QCOMPARE(messages, json(expected));
}

QTEST_GUILESS_MAIN(TestChatRequestBuilder)
#include "tst_chatrequestbuilder.moc"
