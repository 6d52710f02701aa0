// SPDX-License-Identifier: MIT
#include "chat/chatmessagemodel.h"
#include "chat/chatsession.h"
#include "chat/conversationlistmodel.h"
#include "chat/conversationstore.h"
#include "client/messagesclient.h"
#include "fakebackend.h"
#include "json/jsonwriter.h"
#include "testgateway.h"
#include "traffic/trafficlog.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;
using Core::ChatMessage;

// The playground's conversation logic over real HTTP: MessagesClient against the server, the
// session's turns, and the store that keeps them across restarts.
class TestChatSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void client_streamsAndReportsFigures();
    void client_readsAJsonAnswer();
    void client_reportsTheApiError_data();
    void client_reportsTheApiError();
    void client_cannotConnect();
    void send_streamsAReplyAndStoresBoth();
    void settings_reachTheRequest();
    void stop_keepsThePartialReply();
    void editAndResend_replacesWhatFollowed();
    void regenerate_asksAgain();
    void deleteTurn_removesQuestionAndReply();
    void failedReply_isNotSentAgain();
    void conversations_surviveARestart();
    void importRequest_opensACapturedRequest();
    void client_assemblesToolCalls_data();
    void client_assemblesToolCalls();
    void toolLoop_answersAndGetsTheFinalReply();
    void toolLoop_withThinkingSendsItBackSigned();
    void imageTurn_isAcknowledged();
    void thinking_arrivesWithItsSignature();
    void importRequest_keepsBlocksToolsAndThinking();
    void usage_showsThePromptAndWhatWasCached_data();
    void usage_showsThePromptAndWhatWasCached();
    void toolInput_isSentBackAsTheModelWroteIt_data();
    void toolInput_isSentBackAsTheModelWroteIt();
    void importRequest_keepsToolsAndInputsAsWritten();

private:
    void startSession(double tokensPerSecond = 0);
    void waitIdle();
    // The playground's session, on a fresh store, as a client of an Anthropic server at `baseUrl`.
    void openSessionAgainst(const QByteArray &baseUrl, bool stream, const QString &toolsJson = {});
    QJsonObject lastRequest() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Core::TrafficLog> m_log;
    std::unique_ptr<TestGateway> m_gateway;
    std::unique_ptr<Core::ConversationStore> m_store;
    std::unique_ptr<Core::MessagesClient> m_client;
    std::unique_ptr<Core::ChatSession> m_session;
};

void TestChatSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_log = std::make_unique<Core::TrafficLog>();
}

void TestChatSession::cleanup()
{
    m_session.reset();
    m_client.reset();
    m_store.reset();
    m_gateway.reset();
    m_log.reset();
    m_dir.reset();
}

void TestChatSession::startSession(double tokensPerSecond)
{
    m_gateway = std::make_unique<TestGateway>(TestGateway::simulator(tokensPerSecond));
    m_gateway->gateway->setTrafficLog(m_log.get());
    m_store = std::make_unique<Core::ConversationStore>();
    QVERIFY(m_store->open(m_dir->filePath(u"conversations.sqlite"_s)));
    m_client = std::make_unique<Core::MessagesClient>();
    m_client->setBaseUrl(m_gateway->url);
    m_session = std::make_unique<Core::ChatSession>(*m_store, *m_client);
    Core::ChatSettings defaults;
    defaults.model = u"claude-sim"_s;
    m_session->restore(defaults);
}

void TestChatSession::waitIdle()
{
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->isBusy(), 10000);
}

void TestChatSession::client_streamsAndReportsFigures()
{
    startSession();
    QSignalSpy text(m_client.get(), &Core::MessagesClient::textDelta);
    QSignalSpy finished(m_client.get(), &Core::MessagesClient::finished);
    m_client->send(
        R"({"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Say exactly: one two three"}]})");
    QTRY_COMPARE(finished.count(), 1);
    QString all;
    for (const auto &arguments : std::as_const(text)) {
        all += arguments.first().toString();
    }
    QCOMPARE(all, u"one two three"_s);
    QVERIFY(text.count() > 1); // it came in pieces
    const auto stats = finished.first().first().value<Core::ReplyStats>();
    QCOMPARE(stats.stopReason, u"end_turn"_s);
    QVERIFY(stats.inputTokens > 0);
    QVERIFY(stats.outputTokens > 0);
    QVERIFY(stats.timeToFirstTokenMs >= 0);
    QVERIFY(stats.durationMs >= stats.timeToFirstTokenMs);
    // The GUI's own requests show in the inspector like any client's.
    QTRY_COMPARE(m_log->ids().size(), 1);
    QVERIFY(m_log->summary(m_log->ids().first())->userAgent.startsWith("Switchboard-Playground/"));
}

void TestChatSession::client_readsAJsonAnswer()
{
    startSession();
    QSignalSpy text(m_client.get(), &Core::MessagesClient::textDelta);
    QSignalSpy finished(m_client.get(), &Core::MessagesClient::finished);
    m_client->send(
        R"({"model":"m","max_tokens":64,"stop_sequences":["three"],"messages":[{"role":"user","content":"Say exactly: one two three four"}]})");
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(text.count(), 1);
    QCOMPARE(text.first().first().toString(), u"one two "_s);
    const auto stats = finished.first().first().value<Core::ReplyStats>();
    QCOMPARE(stats.stopReason, u"stop_sequence"_s);
    QCOMPARE(stats.stopSequence, u"three"_s);
}

void TestChatSession::client_reportsTheApiError_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("inMessage");
    QTest::newRow("no messages, stream") << QByteArray(R"({"model":"m","max_tokens":8,"stream":true,"messages":[]})")
                                         << u"invalid_request_error"_s << u"messages"_s;
    QTest::newRow("bad temperature")
        << QByteArray(R"({"model":"m","max_tokens":8,"temperature":7,"messages":[{"role":"user","content":"x"}]})")
        << u"invalid_request_error"_s << u"temperature"_s;
    QTest::newRow("not json") << QByteArray("{") << u"invalid_request_error"_s << QString();
}

void TestChatSession::client_reportsTheApiError()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, type);
    QFETCH(QString, inMessage);
    startSession();
    QSignalSpy failed(m_client.get(), &Core::MessagesClient::failed);
    m_client->send(body);
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).toString(), type);
    QVERIFY2(failed.first().at(1).toString().contains(inMessage), qPrintable(failed.first().at(1).toString()));
    QVERIFY(!m_client->isBusy());
}

void TestChatSession::client_cannotConnect()
{
    startSession();
    m_client->setBaseUrl(QUrl(u"http://127.0.0.1:1"_s));
    QSignalSpy failed(m_client.get(), &Core::MessagesClient::failed);
    m_client->send(R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":"x"}]})");
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).toString(), u"api_connection_error"_s);
}

void TestChatSession::send_streamsAReplyAndStoresBoth()
{
    startSession();
    QVERIFY(m_session->send(u"Say exactly: Hello there"_s));
    QVERIFY(m_session->isBusy());
    QVERIFY(!m_session->send(u"a second question while busy"_s));
    waitIdle();
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].role, ChatMessage::Role::User);
    QCOMPARE(messages[1].text, u"Hello there"_s);
    QCOMPARE(messages[1].state, ChatMessage::State::Complete);
    QCOMPARE(messages[1].stats.stopReason, u"end_turn"_s);
    QVERIFY(
        m_session->messages()->index(1).data(Core::ChatMessageModel::StatsLineRole).toString().contains(u"end_turn"_s));
    QCOMPARE(m_store->messages(m_session->currentConversation()), messages);
    // The first question names the conversation.
    QCOMPARE(m_session->conversations()->index(0).data().toString(), u"Say exactly: Hello there"_s);
}

void TestChatSession::settings_reachTheRequest()
{
    startSession();
    Core::ChatSettings settings = m_session->settings();
    settings.system = u"Be terse."_s;
    settings.temperature = 0.0; // set to zero, not unset
    settings.topK = 7;
    settings.maxTokens = 77;
    settings.stopSequences = {u"\n\nUser:"_s};
    settings.stream = false;
    m_session->setSettings(settings);
    QVERIFY(m_session->send(u"Say exactly: ok"_s));
    waitIdle();
    QTRY_COMPARE(m_log->ids().size(), 1);
    const auto record = m_log->record(m_log->ids().first());
    const QJsonObject sent = QJsonDocument::fromJson(record->clientRequest.body).object();
    QCOMPARE(sent[u"model"_s].toString(), u"claude-sim"_s);
    QCOMPARE(sent[u"system"_s].toString(), u"Be terse."_s);
    QVERIFY(sent.contains(u"temperature"_s));
    QCOMPARE(sent[u"temperature"_s].toDouble(), 0.0);
    QVERIFY(!sent.contains(u"top_p"_s));
    QCOMPARE(sent[u"top_k"_s].toInt(), 7);
    QCOMPARE(sent[u"max_tokens"_s].toInt(), 77);
    QCOMPARE(sent[u"stop_sequences"_s].toArray().first().toString(), u"\n\nUser:"_s);
    QVERIFY(!sent.contains(u"stream"_s));
    // Each conversation keeps its own settings.
    QCOMPARE(m_store->settings(m_session->currentConversation())->topK, std::optional<int>(7));
}

void TestChatSession::stop_keepsThePartialReply()
{
    startSession(20); // 20 tokens a second: time to stop halfway
    QVERIFY(m_session->send(u"Say exactly: one two three four five six seven eight nine ten eleven twelve"_s));
    QTRY_VERIFY(!m_session->messages()->messages().last().text.isEmpty());
    m_session->stop();
    QVERIFY(!m_session->isBusy());
    const ChatMessage reply = m_session->messages()->messages().last();
    QCOMPARE(reply.state, ChatMessage::State::Stopped);
    QVERIFY(!reply.text.isEmpty());
    QVERIFY(reply.text.size() < u"one two three four five six seven eight nine ten eleven twelve"_s.size());
    QCOMPARE(m_store->messages(m_session->currentConversation()).last().state, ChatMessage::State::Stopped);
    // The server saw the client leave and recorded it.
    QTRY_VERIFY(m_log->summary(m_log->ids().last())->state == Core::ExchangeSummary::State::ClientGone);
}

void TestChatSession::editAndResend_replacesWhatFollowed()
{
    startSession();
    QVERIFY(m_session->send(u"Say exactly: first"_s));
    waitIdle();
    QVERIFY(m_session->send(u"Say exactly: second"_s));
    waitIdle();
    QVERIFY(!m_session->editAndResend(1, u"not a user message"_s));
    QVERIFY(m_session->editAndResend(0, u"Say exactly: edited"_s));
    waitIdle();
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].text, u"Say exactly: edited"_s);
    QCOMPARE(messages[1].text, u"edited"_s);
    QCOMPARE(m_store->messages(m_session->currentConversation()), messages);
}

void TestChatSession::regenerate_asksAgain()
{
    startSession();
    QVERIFY(m_session->send(u"Say exactly: again"_s));
    waitIdle();
    const qint64 firstReplyId = m_session->messages()->messages().last().id;
    QVERIFY(m_session->regenerate());
    waitIdle();
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.last().text, u"again"_s);
    QVERIFY(messages.last().id != firstReplyId);
    QTRY_COMPARE(m_log->ids().size(), 2);
}

void TestChatSession::deleteTurn_removesQuestionAndReply()
{
    startSession();
    QVERIFY(m_session->send(u"Say exactly: a"_s));
    waitIdle();
    QVERIFY(m_session->send(u"Say exactly: b"_s));
    waitIdle();
    QVERIFY(m_session->deleteTurn(1)); // the first reply: its question goes too
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages[0].text, u"Say exactly: b"_s);
    QCOMPARE(m_store->messages(m_session->currentConversation()), messages);
}

void TestChatSession::failedReply_isNotSentAgain()
{
    startSession();
    Core::ChatSettings settings = m_session->settings();
    settings.maxTokens = 0; // refused by the server
    m_session->setSettings(settings);
    QVERIFY(m_session->send(u"Say exactly: x"_s));
    waitIdle();
    const ChatMessage failed = m_session->messages()->messages().last();
    QCOMPARE(failed.state, ChatMessage::State::Failed);
    QCOMPARE(failed.errorType, u"invalid_request_error"_s);
    QVERIFY(failed.errorMessage.contains(u"max_tokens"_s));
    settings.maxTokens = 50;
    m_session->setSettings(settings);
    QVERIFY(m_session->send(u"Say exactly: y"_s));
    waitIdle();
    // The failed reply is left out and the two questions are joined into one user turn.
    const QJsonObject sent = QJsonDocument::fromJson(m_log->record(m_log->ids().last())->clientRequest.body).object();
    const QJsonArray turns = sent[u"messages"_s].toArray();
    QCOMPARE(turns.size(), 1);
    QCOMPARE(turns[0].toObject()[u"content"_s].toString(), u"Say exactly: x\n\nSay exactly: y"_s);
}

void TestChatSession::conversations_surviveARestart()
{
    startSession();
    QVERIFY(m_session->send(u"Say exactly: remember me"_s));
    waitIdle();
    const qint64 first = m_session->currentConversation();
    const qint64 second = m_session->newConversation();
    QVERIFY(second != first);
    QVERIFY(m_session->renameConversation(second, u"Second"_s));
    m_session->openConversation(first);

    // A new process: everything comes back from the file.
    m_session.reset();
    m_client.reset();
    m_store.reset();
    m_store = std::make_unique<Core::ConversationStore>();
    QVERIFY(m_store->open(m_dir->filePath(u"conversations.sqlite"_s)));
    m_client = std::make_unique<Core::MessagesClient>();
    m_session = std::make_unique<Core::ChatSession>(*m_store, *m_client);
    m_session->restore({});
    QCOMPARE(m_session->conversations()->rowCount(), 2);
    m_session->openConversation(first);
    QCOMPARE(m_session->messages()->rowCount(), 2);
    QCOMPARE(m_session->messages()->messages().last().text, u"remember me"_s);
    QCOMPARE(m_session->settings().model, u"claude-sim"_s);
    QVERIFY(m_session->deleteConversation(second));
    QCOMPARE(m_session->conversations()->rowCount(), 1);
}

void TestChatSession::importRequest_opensACapturedRequest()
{
    startSession();
    const qint64 id = m_session->importRequest(
        R"({"model":"claude-x","max_tokens":99,"top_p":0.5,"system":[{"type":"text","text":"Sys"}],"messages":[{"role":"user","content":[{"type":"text","text":"Q"},{"type":"image","source":{}}]},{"role":"assistant","content":"A"}]})");
    QVERIFY(id != 0);
    QCOMPARE(m_session->currentConversation(), id);
    QCOMPARE(m_session->settings().model, u"claude-x"_s);
    QCOMPARE(m_session->settings().maxTokens, 99);
    QCOMPARE(m_session->settings().topP, std::optional<double>(0.5));
    QCOMPARE(m_session->settings().temperature, std::nullopt);
    QCOMPARE(m_session->settings().system, u"Sys"_s);
    QCOMPARE(m_session->messages()->rowCount(), 2);
    QCOMPARE(m_session->messages()->messages()[0].text, u"Q\n\n[image block]"_s);
    QCOMPARE(m_session->importRequest("{}"), 0);
}

namespace {

const QString WeatherTool =
    uR"([{"name":"get_weather","description":"The weather in a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])"_s;

// A 1×1 PNG.
const QByteArray TinyPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

} // namespace

QJsonObject TestChatSession::lastRequest() const
{
    return QJsonDocument::fromJson(m_log->record(m_log->ids().last())->clientRequest.body).object();
}

void TestChatSession::client_assemblesToolCalls_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("stream") << true;
    QTest::newRow("json") << false;
}

void TestChatSession::client_assemblesToolCalls()
{
    QFETCH(bool, stream);
    startSession(stream ? 200 : 0);
    QSignalSpy started(m_client.get(), &Core::MessagesClient::toolUseStarted);
    QSignalSpy toolFinished(m_client.get(), &Core::MessagesClient::toolUseFinished);
    QSignalSpy text(m_client.get(), &Core::MessagesClient::textDelta);
    QSignalSpy finished(m_client.get(), &Core::MessagesClient::finished);
    QSignalSpy failed(m_client.get(), &Core::MessagesClient::failed);
    m_client->send(R"({"model":"m","max_tokens":200,"stream":)" + QByteArray(stream ? "true" : "false") +
                   R"(,"tools":)" + WeatherTool.toUtf8() +
                   R"(,"messages":[{"role":"user","content":"What is the weather in \"Paris\"? Use get_weather."}]})");
    QTRY_VERIFY(finished.count() + failed.count() > 0);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    QCOMPARE(started.count(), 1);
    QCOMPARE(toolFinished.count(), 1);
    const QString id = toolFinished.first().at(0).toString();
    QVERIFY(id.startsWith(u"toolu_"_s));
    QCOMPARE(started.first().at(0).toString(), id);
    QCOMPARE(toolFinished.first().at(1).toString(), u"get_weather"_s);
    // The input arrived in pieces (streamed) or whole (JSON); either way it is one complete object.
    const QJsonObject input = QJsonDocument::fromJson(toolFinished.first().at(2).toString().toUtf8()).object();
    QCOMPARE(input, QJsonObject({{u"city"_s, u"Paris"_s}}));
    // Tool input is not text of the reply.
    QString all;
    for (const auto &arguments : std::as_const(text)) {
        all += arguments.first().toString();
    }
    QCOMPARE(all, u"I will call get_weather."_s);
    QCOMPARE(finished.first().first().value<Core::ReplyStats>().stopReason, u"tool_use"_s);
}

void TestChatSession::toolLoop_answersAndGetsTheFinalReply()
{
    startSession();
    Core::ChatSettings settings = m_session->settings();
    settings.toolsJson = WeatherTool;
    m_session->setSettings(settings);
    QVERIFY(!m_session->answerToolUses({{u"toolu_x"_s, u"early"_s, false}})); // nothing to answer yet
    QVERIFY(m_session->send(u"What is the weather in \"Paris\"? Use get_weather."_s));
    waitIdle();
    const ChatMessage call = m_session->messages()->messages().last();
    QCOMPARE(call.stats.stopReason, u"tool_use"_s);
    QCOMPARE(call.toolUses.size(), 1);
    QCOMPARE(call.toolUses[0].name, u"get_weather"_s);
    QCOMPARE(QJsonDocument::fromJson(call.toolUses[0].inputJson.toUtf8()).object()[u"city"_s].toString(), u"Paris"_s);
    QCOMPARE(lastRequest()[u"tools"_s].toArray().first()[u"name"_s].toString(), u"get_weather"_s);

    QVERIFY(m_session->answerToolUses({{call.toolUses[0].id, u"21C, clear"_s, false}}));
    waitIdle();
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 4);
    QCOMPARE(messages[2].role, ChatMessage::Role::User);
    QCOMPARE(messages[2].toolResults.size(), 1);
    QCOMPARE(messages[3].text, u"Calling the get_weather tool returned: 21C, clear."_s);
    QCOMPARE(messages[3].state, ChatMessage::State::Complete);
    const QJsonArray sent = lastRequest()[u"messages"_s].toArray();
    QCOMPARE(sent.size(), 3);
    QCOMPARE(sent[1][u"content"_s][1][u"type"_s].toString(), u"tool_use"_s);
    QCOMPARE(sent[2][u"content"_s][0][u"tool_use_id"_s].toString(), call.toolUses[0].id);
    // The loop survives a restart: calls and results are stored.
    QCOMPARE(m_store->messages(m_session->currentConversation()), messages);

    // An error result is reported as one.
    QVERIFY(m_session->send(u"Once more: the weather in \"Oslo\" with get_weather"_s));
    waitIdle();
    const QString second = m_session->messages()->messages().last().toolUses.value(0).id;
    QVERIFY(!second.isEmpty());
    QVERIFY(m_session->answerToolUses({{second, u"service down"_s, true}}));
    waitIdle();
    QCOMPARE(m_session->messages()->messages().last().text, u"Calling the get_weather tool failed: service down."_s);
}

void TestChatSession::toolLoop_withThinkingSendsItBackSigned()
{
    startSession();
    Core::ChatSettings settings = m_session->settings();
    settings.toolsJson = WeatherTool;
    settings.maxTokens = 4096;
    settings.thinkingBudget = 1024;
    settings.stream = false;
    m_session->setSettings(settings);
    QVERIFY(m_session->send(u"Weather in \"Rome\"? Use get_weather."_s)); // the API forces no tool with thinking
    waitIdle();
    const ChatMessage call = m_session->messages()->messages().last();
    QVERIFY(!call.thinking.isEmpty());
    QVERIFY(!call.thinkingSignature.isEmpty());
    QCOMPARE(call.toolUses.size(), 1);
    QVERIFY(m_session->answerToolUses({{call.toolUses[0].id, u"sunny"_s, false}}));
    waitIdle();
    QCOMPARE(m_session->messages()->messages().last().state, ChatMessage::State::Complete);
    QCOMPARE(m_session->messages()->messages().last().text, u"Calling the get_weather tool returned: sunny."_s);
    const QJsonArray blocks = lastRequest()[u"messages"_s][1][u"content"_s].toArray();
    QCOMPARE(blocks.first()[u"type"_s].toString(), u"thinking"_s);
    QCOMPARE(blocks.first()[u"signature"_s].toString(), call.thinkingSignature);
}

void TestChatSession::imageTurn_isAcknowledged()
{
    startSession();
    QVERIFY(m_session->send(QString(), {{u"image/png"_s, TinyPng, u"dot.png"_s}}));
    waitIdle();
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 2);
    const QString expected =
        u"an image/png image of %1 bytes (1x1 pixels)"_s.arg(QByteArray::fromBase64(TinyPng).size());
    QVERIFY2(messages[1].text.contains(expected), qPrintable(messages[1].text));
    const QJsonObject image = lastRequest()[u"messages"_s][0][u"content"_s][0].toObject();
    QCOMPARE(image[u"type"_s].toString(), u"image"_s);
    QCOMPARE(image[u"source"_s][u"data"_s].toString().toLatin1(), TinyPng);
    QCOMPARE(m_store->messages(m_session->currentConversation())[0].images.size(), 1);
    QVERIFY(!m_session->send(QString(), {})); // nothing to send
}

void TestChatSession::thinking_arrivesWithItsSignature()
{
    startSession(500);
    Core::ChatSettings settings = m_session->settings();
    settings.maxTokens = 2048;
    settings.thinkingBudget = 1024;
    m_session->setSettings(settings);
    QVERIFY(m_session->send(u"Say exactly: done"_s));
    waitIdle();
    const ChatMessage reply = m_session->messages()->messages().last();
    QVERIFY2(reply.thinking.startsWith(u"The user wrote"_s), qPrintable(reply.thinking));
    QVERIFY(!reply.thinkingSignature.isEmpty());
    QCOMPARE(reply.text, u"done"_s);
    QCOMPARE(lastRequest()[u"thinking"_s][u"budget_tokens"_s].toInt(), 1024);
    // A reply without tool calls is sent back as text alone.
    QVERIFY(m_session->send(u"Say exactly: again"_s));
    waitIdle();
    QVERIFY(lastRequest()[u"messages"_s][1][u"content"_s].isString());
}

void TestChatSession::importRequest_keepsBlocksToolsAndThinking()
{
    startSession();
    const QByteArray body = R"({"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},
        "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{"type":"auto"},
        "messages":[
          {"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                                    {"type":"text","text":"Weather?"}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                                         {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"cold","is_error":true}]}]})";
    QVERIFY(m_session->importRequest(body) != 0);
    const Core::ChatSettings &settings = m_session->settings();
    QCOMPARE(settings.thinkingBudget, std::optional<int>(2048));
    QCOMPARE(QJsonDocument::fromJson(settings.toolsJson.toUtf8()).array().first()[u"name"_s].toString(),
             u"get_weather"_s);
    QCOMPARE(settings.toolChoice, uR"({"type":"auto"})"_s);
    const auto &messages = m_session->messages()->messages();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages[0].text, u"Weather?"_s);
    QCOMPARE(messages[0].images.size(), 1);
    QCOMPARE(messages[1].thinkingSignature, u"sig"_s);
    QCOMPARE(messages[1].toolUses.value(0).inputJson, uR"({"city":"Oslo"})"_s);
    QCOMPARE(messages[2].toolResults.value(0).isError, true);
    // And it is sent back as it came in.
    const QJsonArray resent = QJsonDocument::fromJson(m_session->requestBody()).object()[u"messages"_s].toArray();
    QCOMPARE(resent, QJsonDocument::fromJson(body).object()[u"messages"_s].toArray());
}

namespace {

// Keys out of alphabetical order, a nested object, and numbers QJsonDocument would respell (1.0 as
// 1, 1e2 as 100, -0.0 as 0): a local engine caches the tokens it generated, so the next request
// must carry them unchanged.
const QByteArray ModelInput = R"({"zeta":1.0,"alpha":{"y":1e2,"x":0.1,"w":-0.0},"mid":"caf\u00e9"})";

QByteArray toolUseStream(const QList<QByteArray> &fragments, const QByteArray &inputAtStart)
{
    QByteArray sse =
        "event: message_start\ndata: "
        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m",)"
        R"("content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":0}}})"
        "\n\n"
        "event: content_block_start\ndata: "
        R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_a","name":"f","input":)" +
        inputAtStart + "}}\n\n";
    for (const QByteArray &fragment : fragments) {
        QByteArray escaped;
        Core::JsonWriter::appendString(escaped, fragment);
        sse += "event: content_block_delta\ndata: "
               R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":)" +
               escaped + "}}\n\n";
    }
    sse +=
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        "event: message_delta\ndata: "
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}})"
        "\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    return sse;
}

} // namespace

void TestChatSession::openSessionAgainst(const QByteArray &baseUrl, bool stream, const QString &toolsJson)
{
    m_store = std::make_unique<Core::ConversationStore>();
    QVERIFY(m_store->open(m_dir->filePath(u"conversations.sqlite"_s)));
    m_client = std::make_unique<Core::MessagesClient>();
    m_client->setBaseUrl(QUrl(QString::fromLatin1(baseUrl)));
    m_session = std::make_unique<Core::ChatSession>(*m_store, *m_client);
    Core::ChatSettings defaults;
    defaults.model = u"m"_s;
    defaults.stream = stream;
    defaults.toolsJson = toolsJson;
    m_session->restore(defaults);
}

void TestChatSession::usage_showsThePromptAndWhatWasCached_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QByteArray>("answer");
    const QByteArray usage = R"("usage":{"input_tokens":5,"cache_creation_input_tokens":2,)"
                             R"("cache_read_input_tokens":20,"output_tokens":3})";
    QTest::newRow("JSON") << false
                          << QByteArray(R"({"id":"msg_1","type":"message","role":"assistant","model":"m",)"
                                        R"("content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn",)"
                                        R"("stop_sequence":null,)" +
                                        usage + "}");
    QTest::newRow("stream")
        << true
        << QByteArray("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                      "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
                      "\"stop_reason\":null,\"usage\":{\"input_tokens\":40,\"output_tokens\":0}}}\n\n"
                      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                      "\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n"
                      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                      "\"end_turn\",\"stop_sequence\":null},") +
               usage + "}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}

void TestChatSession::usage_showsThePromptAndWhatWasCached()
{
    // The three input fields add up to the prompt; the playground shows it and its cached part.
    QFETCH(bool, stream);
    QFETCH(QByteArray, answer);
    FakeBackend server;
    QVERIFY(server.start() != 0);
    server.on("/v1/messages", stream ? FakeResponse::eventStream(answer) : FakeResponse::json(answer));
    openSessionAgainst(server.baseUrl(), stream);
    QVERIFY(m_session->send(u"Hello."_s));
    waitIdle();
    const ChatMessage reply = m_session->messages()->messages().last();
    QCOMPARE(reply.state, ChatMessage::State::Complete);
    QCOMPARE(reply.stats.inputTokens, 27);
    QCOMPARE(reply.stats.cachedInputTokens, 20);
    QCOMPARE(m_store->messages(m_session->currentConversation()).last().stats.cachedInputTokens, 20);
    const QString line = m_session->messages()
                             ->index(m_session->messages()->rowCount() - 1)
                             .data(Core::ChatMessageModel::StatsLineRole)
                             .toString();
    QVERIFY2(line.contains(u"27 → 3 tokens (20 cached)"_s), qPrintable(line));
}

void TestChatSession::toolInput_isSentBackAsTheModelWroteIt_data()
{
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QByteArray>("answer"); // the first reply: a call with ModelInput

    QTest::newRow("streamed in fragments")
        << true
        << toolUseStream({R"({"zeta":1.0,"alpha":{"y")", R"(:1e2,"x":0.1,"w")", R"(:-0.0},"mid":"caf\u00e9"})"}, "{}");
    QTest::newRow("whole at the block's start") << true << toolUseStream({}, ModelInput);
    QTest::newRow("JSON answer") << false
                                 << QByteArray(R"({"id":"msg_1","type":"message","role":"assistant","model":"m",)"
                                               R"("content":[{"type":"text","text":"Calling."},)"
                                               R"({"type":"tool_use","id":"toolu_a","name":"f","input":)" +
                                               ModelInput +
                                               R"(}],"stop_reason":"tool_use","stop_sequence":null,)"
                                               R"("usage":{"input_tokens":5,"output_tokens":9}})");
}

void TestChatSession::toolInput_isSentBackAsTheModelWroteIt()
{
    QFETCH(bool, stream);
    QFETCH(QByteArray, answer);
    // The playground against an Anthropic server that answers with a call, then with text.
    FakeBackend server;
    QVERIFY(server.start() != 0);
    server.on("/v1/messages", [&](const CapturedRequest &) {
        if (server.requests().size() == 1) {
            return stream ? FakeResponse::eventStream(answer) : FakeResponse::json(answer);
        }
        return FakeResponse::json(
            R"({"id":"msg_2","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],)"
            R"("stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}})");
    });
    openSessionAgainst(server.baseUrl(), stream, uR"([{"name":"f","input_schema":{"type":"object"}}])"_s);

    QVERIFY(m_session->send(u"Call f."_s));
    waitIdle();
    const ChatMessage call = m_session->messages()->messages().last();
    QCOMPARE(call.state, ChatMessage::State::Complete);
    QCOMPARE(call.toolUses.size(), 1);
    QCOMPARE(call.toolUses[0].inputJson.toUtf8(), ModelInput);
    QCOMPARE(m_store->messages(m_session->currentConversation()).last().toolUses.value(0).inputJson.toUtf8(),
             ModelInput);

    QVERIFY(m_session->answerToolUses({{u"toolu_a"_s, u"done"_s, false}}));
    waitIdle();
    QCOMPARE(server.requests().size(), 2);
    const QByteArray resent = server.requests().last().body;
    QVERIFY2(resent.contains(QByteArray(R"({"type":"tool_use","id":"toolu_a","name":"f","input":)" + ModelInput + "}")),
             resent.constData());
}

// A captured request's tools, tool_choice and tool inputs come back in the next request as they
// were written, not re-sorted.
void TestChatSession::importRequest_keepsToolsAndInputsAsWritten()
{
    startSession();
    const QByteArray tools =
        R"([{"name":"f","description":"d","input_schema":{"type":"object","properties":{"zeta":{"type":"number","default":1.0},"alpha":{"type":"integer","maximum":1e2}}}}])";
    const QByteArray choice = R"({"type":"tool","name":"f","disable_parallel_tool_use":true})";
    const QByteArray body = R"({"model":"m","max_tokens":64,"tools":)" + tools + R"(,"tool_choice":)" + choice +
                            R"(,"messages":[{"role":"user","content":"go"},)"
                            R"({"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":)" +
                            ModelInput + R"(}]}]})";
    QVERIFY(m_session->importRequest(body) != 0);
    QCOMPARE(m_session->settings().toolChoice.toUtf8(), choice);
    QCOMPARE(m_session->messages()->messages().last().toolUses.value(0).inputJson.toUtf8(), ModelInput);
    const QByteArray resent = m_session->requestBody();
    QVERIFY2(resent.contains(QByteArray(R"("tools":)" + tools)), resent.constData());
    QVERIFY2(resent.contains(QByteArray(R"("tool_choice":)" + choice)), resent.constData());
    QVERIFY2(resent.contains(QByteArray(R"("input":)" + ModelInput)), resent.constData());
}

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chatsession.moc"
