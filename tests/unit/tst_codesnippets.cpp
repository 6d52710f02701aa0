// SPDX-License-Identifier: MIT
#include "chat/codeliteral.h"
#include "chat/codesnippets.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Switchboard::Core::ChatSettings)
Q_DECLARE_METATYPE(Switchboard::Core::CodeSnippets::KeyPolicy)
Q_DECLARE_METATYPE(Switchboard::Core::CodeLiteral::Language)

// "Get code" is only useful if what it prints runs and sends what the chat sends. So the snippets
// and the literals they are made of are mostly not compared with expected text: each one is run by
// its real interpreter (sh, python3, node), for the snippets against a stand-in for curl or the SDK
// that records the request, and what comes out is compared with requestBody() as JSON.
class TestCodeSnippets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void literals_evaluateToTheirValue_data();
    void literals_evaluateToTheirValue();
    void literals_areLaidOutForReading_data();
    void literals_areLaidOutForReading();
    void literalKeys_followTheRequest();
    void requestBody_hasExactlyTheSetFields_data();
    void requestBody_hasExactlyTheSetFields();
    void requestBody_sendsOnlyRoleAndTextOfRealTurns();
    void requestBody_sendsContentBlocks();
    void requestBody_dropsUnansweredToolCalls();
    void requestBody_keepsToolsAsWritten_data();
    void requestBody_keepsToolsAsWritten();
    void requestBody_sendsToolInputAsWritten_data();
    void requestBody_sendsToolInputAsWritten();
    void temperature_unsetIsNotZero();
    void invisibleCharacters_areWrittenAsEscapes();
    void curl_sendsTheBody_data();
    void curl_sendsTheBody();
    void python_sendsTheBody_data();
    void python_sendsTheBody();
    void typeScript_sendsTheBody_data();
    void typeScript_sendsTheBody();
    void snippets_keepTheBodysOrder_data();
    void snippets_keepTheBodysOrder();
    void keyPolicy_readsTheEnvironment_data();
    void keyPolicy_readsTheEnvironment();
    void baseUrl_isNormalisedAndQuoted();
};

namespace {

constexpr QStringView Base = u"http://127.0.0.1:8321";
constexpr QStringView KeyFromEnvironment = u"sk-from-the-environment";

ChatMessage turn(ChatMessage::Role role, const QString &text, ChatMessage::State state = ChatMessage::State::Complete)
{
    ChatMessage message;
    message.role = role;
    message.text = text;
    message.state = state;
    return message;
}

QList<ChatMessage> conversationAround(const QString &text)
{
    return {
        turn(ChatMessage::Role::User, text),
        turn(ChatMessage::Role::Assistant, u"You said: "_s + text),
        turn(ChatMessage::Role::Assistant, u"lost"_s, ChatMessage::State::Failed),
        turn(ChatMessage::Role::User, u"And again: "_s + text),
    };
}

QJsonObject parsed(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        QTest::qFail(qPrintable(u"not a JSON object (%1): %2"_s.arg(error.errorString(), QString::fromUtf8(json))),
                     __FILE__, __LINE__);
    }
    return document.object();
}

struct Finished
{
    bool ok = false;
    QByteArray out;
    QByteArray err;
};

Finished run(const QString &program, const QStringList &arguments, const QByteArray &input = {},
             const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForStarted()) {
        return {};
    }
    process.write(input);
    process.closeWriteChannel();
    const bool finished = process.waitForFinished(60'000);
    Finished result{finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                    process.readAllStandardOutput(), process.readAllStandardError()};
    if (!result.ok) {
        qWarning("%s failed: %s", qPrintable(program), result.err.constData());
    }
    return result;
}

QProcessEnvironment environmentWithKey(const QString &key)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"ANTHROPIC_API_KEY"_s);
    if (!key.isNull()) {
        environment.insert(u"ANTHROPIC_API_KEY"_s, key);
    }
    return environment;
}

QString tool(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

// The messages.create / messages.stream of each SDK, reduced to writing down what they were given.
constexpr auto PythonSdk = R"py(import json
import os
import types


def _record(client, call, params):
    with open(os.environ["SNIPPET_RECORD"], "w", encoding="utf-8") as out:
        json.dump({"baseURL": client.base_url, "apiKey": client.api_key, "call": call, "params": params}, out)


class _Stream:
    text_stream = ("streamed",)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Messages:
    def __init__(self, client):
        self._client = client

    def create(self, **params):
        _record(self._client, "create", params)
        return types.SimpleNamespace(content=[types.SimpleNamespace(type="text", text="created")])

    def stream(self, **params):
        _record(self._client, "stream", params)
        return _Stream()


class Anthropic:
    def __init__(self, *, base_url, api_key):
        self.base_url = base_url
        self.api_key = api_key
        self.messages = _Messages(self)
)py";

constexpr auto JavaScriptSdk = R"js(import { writeFileSync } from "node:fs";
class Anthropic {
  constructor(options) {
    const record = (call, params) =>
      writeFileSync(process.env.SNIPPET_RECORD,
                    JSON.stringify({ baseURL: options.baseURL, apiKey: options.apiKey ?? null, call, params }));
    this.messages = {
      create: async (params) => {
        record("create", params);
        return { content: [{ type: "text", text: "created" }] };
      },
      stream: (params) => {
        record("stream", params);
        const stream = {
          on: (event, listener) => {
            if (event === "text") queueMicrotask(() => listener("streamed"));
            return stream;
          },
          finalMessage: async () => ({ content: [] }),
        };
        return stream;
      },
    };
  }
}
)js";

// The SDK call a snippet made, as the SDK would send it: messages.stream() adds "stream": true.
QJsonObject sentBody(const QJsonObject &record)
{
    QJsonObject body = record.value(u"params").toObject();
    if (record.value(u"call").toString() == u"stream") {
        body.insert(u"stream"_s, true);
    }
    return body;
}

// Runs a Python snippet against the recording SDK; returns the record (empty if the snippet failed
// or never called the SDK).
QJsonObject runPython(const QString &snippet, const QString &key)
{
    QTemporaryDir dir;
    QFile sdk(dir.filePath(u"anthropic.py"_s));
    QFile script(dir.filePath(u"snippet.py"_s));
    if (!sdk.open(QIODevice::WriteOnly) || !script.open(QIODevice::WriteOnly)) {
        return {};
    }
    sdk.write(PythonSdk);
    script.write(snippet.toUtf8());
    sdk.close();
    script.close();
    QProcessEnvironment environment = environmentWithKey(key);
    environment.insert(u"PYTHONPATH"_s, dir.path());
    environment.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
    environment.insert(u"SNIPPET_RECORD"_s, dir.filePath(u"record.json"_s));
    if (!run(tool(u"python3"_s), {script.fileName()}, {}, environment).ok) {
        return {};
    }
    QFile record(dir.filePath(u"record.json"_s));
    return record.open(QIODevice::ReadOnly) ? parsed(record.readAll()) : QJsonObject();
}

QString withoutSdkImport(const QString &snippet)
{
    QStringList lines = snippet.split(u'\n');
    lines.removeIf([](const QString &line) { return line.startsWith(u"import Anthropic from "); });
    return lines.join(u'\n');
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

QJsonObject runJavaScript(const QString &snippet, const QString &key)
{
    QTemporaryDir dir;
    const QString script = dir.filePath(u"snippet.mjs"_s);
    if (!writeFile(script, JavaScriptSdk + withoutSdkImport(snippet).toUtf8())) {
        return {};
    }
    QProcessEnvironment environment = environmentWithKey(key);
    environment.insert(u"SNIPPET_RECORD"_s, dir.filePath(u"record.json"_s));
    if (!run(tool(u"node"_s), {script}, {}, environment).ok) {
        return {};
    }
    QFile record(dir.filePath(u"record.json"_s));
    return record.open(QIODevice::ReadOnly) ? parsed(record.readAll()) : QJsonObject();
}

// Tools and a call whose keys are out of alphabetical order, nested, with floats written as such.
ChatSettings withTools(bool stream)
{
    ChatSettings settings;
    settings.model = u"m"_s;
    settings.stream = stream;
    settings.toolsJson = uR"([{"name":"f","description":"d","input_schema":{"type":"object","properties":{)"
                         uR"("zeta":{"type":"number","default":1.0},"alpha":{"type":"integer","maximum":1e2}}}}])"_s;
    settings.toolChoice = uR"({"type":"tool","name":"f"})"_s;
    return settings;
}

QList<ChatMessage> toolConversation()
{
    ChatMessage call;
    call.role = ChatMessage::Role::Assistant;
    call.text = u"Calling."_s;
    call.toolUses = {{u"toolu_1"_s, u"f"_s, uR"({"zeta":2.5,"alpha":{"y":1.0,"x":[3,null,true]}})"_s}};
    ChatMessage answer;
    answer.role = ChatMessage::Role::User;
    answer.toolResults = {{u"toolu_1"_s, u"ok"_s, false}};
    ChatMessage question;
    question.text = u"Use f."_s;
    return {question, call, answer};
}

// Texts that break code generated with careless quoting: each quoting and escaping rule of the
// three languages, and characters that are easy to get wrong beyond JSON.
void addSnippetRows()
{
    QTest::addColumn<ChatSettings>("settings");
    QTest::addColumn<QList<ChatMessage>>("messages");

    const QList<std::pair<const char *, QString>> texts = {
        {"plain", u"Hello"_s},
        {"double quotes", u"She said \"hi\" and \"\"\"left\"\"\""_s},
        {"backslashes", uR"(C:\path\to\new \n is not a newline \\ \u0041 \/ \x41 \)"_s},
        {"newlines and tabs", u"line 1\nline 2\r\n\ttabbed\n"_s},
        {"unicode", u"Grüße, 東京, naïve e\u0301, emoji 🚀👩\u200d💻"_s},
        {"single quote", u"it's O'Brien's ''quoted'' '"_s},
        {"shell syntax", u"$HOME `id` $(id) ${x:-y} !! \\$ \"'\" ; | & > < * ? ~ #"_s},
        {"template and script syntax", u"${1+1} `x` </script> ''' #{x} %s {} f\"{x}\" // /* */"_s},
        {"controls and invisibles", u"nul\u0000 soh\u0001 del\u007f nel\u0085 ls\u2028 ps\u2029 rlo\u202e zw\u200b "
                                    u"bom\ufeff tag\U000E0041 end"_s},
        {"lone surrogate", u"half "_s + QChar(0xd83d) + u" of a pair"_s},
    };
    ChatSettings everything;
    everything.model = u"claude-sonnet-4-5"_s;
    everything.system = u"Be \"brief\".\nDon't ramble; use 'quotes' \\ freely."_s;
    everything.temperature = 0.0;
    everything.topP = 0.9;
    everything.topK = 40;
    everything.maxTokens = 512;
    everything.stopSequences = {u"\n\nHuman:"_s, u"it's"_s};
    for (const bool stream : {true, false}) {
        everything.stream = stream;
        const char *mode = stream ? "streaming" : "not streaming";
        for (const auto &[name, text] : texts) {
            QTest::addRow("%s, %s", name, mode) << everything << conversationAround(text);
        }
        ChatSettings minimal;
        minimal.model = u"m"_s;
        minimal.stream = stream;
        QTest::addRow("nothing optional, %s", mode) << minimal << conversationAround(u"hi"_s);
        QTest::addRow("no messages, %s", mode) << minimal << QList<ChatMessage>();
        QTest::addRow("tools and a tool call, %s", mode) << withTools(stream) << toolConversation();
    }
}

} // namespace

void TestCodeSnippets::literals_evaluateToTheirValue_data()
{
    QTest::addColumn<CodeLiteral::Language>("language");
    QTest::addColumn<QByteArray>("json");

    const QList<std::pair<const char *, QByteArray>> values = {
        {"scalars", R"([null, true, false, 0, -3, 0.5, -0.25, 1e-7, 1.5e300, 123456789012])"},
        {"strings", R"(["", "a\"b\\c/d'e", "\u0000\u001f\u007f\u0085\u2028\u2029", "\ud83d\ude80 é 東", "\ud800"])"},
        {"keys", R"({"class": 1, "a-b": 2, "$x": 3, "_y": 4, "1a": 5, "": 6, "é": 7, "__proto__": 8, "x y": 9})"},
        {"nesting", R"({"a": [[], {}, [1, [2, {"b": [true]}]], {"c": {"d": null}}], "e": {}, "f": [{}]})"},
    };
    const std::pair<const char *, CodeLiteral::Language> languages[] = {
        {"json", CodeLiteral::Language::Json},
        {"python", CodeLiteral::Language::Python},
        {"javascript", CodeLiteral::Language::JavaScript},
    };
    for (const auto &[language, id] : languages) {
        for (const auto &[name, json] : values) {
            QTest::addRow("%s, %s", language, name) << id << json;
        }
    }
}

// Each literal is evaluated by the language itself and the result compared with the value.
void TestCodeSnippets::literals_evaluateToTheirValue()
{
    QFETCH(CodeLiteral::Language, language);
    QFETCH(QByteArray, json);
    const QJsonDocument document = QJsonDocument::fromJson(json);
    QVERIFY(!document.isNull());
    const QJsonValue value = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    const QByteArray literal = CodeLiteral::value(value, language, 1).toUtf8();

    QByteArray evaluated;
    switch (language) {
    case CodeLiteral::Language::Json:
        evaluated = literal;
        break;
    case CodeLiteral::Language::Python: {
        if (tool(u"python3"_s).isEmpty()) {
            QSKIP("no python3");
        }
        const Finished ran = run(tool(u"python3"_s),
                                 {u"-c"_s, u"import ast, json, sys; "
                                           u"print(json.dumps(ast.literal_eval(sys.stdin.buffer.read().decode())))"_s},
                                 literal);
        QVERIFY2(ran.ok, literal.constData());
        evaluated = ran.out;
        break;
    }
    case CodeLiteral::Language::JavaScript: {
        if (tool(u"node"_s).isEmpty()) {
            QSKIP("no node");
        }
        const Finished ran =
            run(tool(u"node"_s),
                {u"-e"_s, u"let s = ''; process.stdin.setEncoding('utf8').on('data', (d) => (s += d)).on('end', () => "
                          u"process.stdout.write(JSON.stringify(new Function('return (' + s + ');')())));"_s},
                literal);
        QVERIFY2(ran.ok, literal.constData());
        evaluated = ran.out;
        break;
    }
    }
    const QJsonDocument result = QJsonDocument::fromJson(evaluated);
    QVERIFY2(!result.isNull(), evaluated.constData());
    QCOMPARE(result, document);
}

void TestCodeSnippets::literals_areLaidOutForReading_data()
{
    QTest::addColumn<CodeLiteral::Language>("language");
    QTest::addColumn<QString>("expected");

    QTest::addRow("json") << CodeLiteral::Language::Json << uR"({
  "model": "m",
  "messages": [
    {"role": "user", "content": "hi"}
  ],
  "stop_sequences": ["a", "b"],
  "x": {"off": null, "on": true}
})"_s;
    QTest::addRow("python") << CodeLiteral::Language::Python << uR"({
    "model": "m",
    "messages": [
        {"role": "user", "content": "hi"},
    ],
    "stop_sequences": ["a", "b"],
    "x": {"off": None, "on": True},
})"_s;
    QTest::addRow("javascript") << CodeLiteral::Language::JavaScript << uR"({
  model: "m",
  messages: [
    { role: "user", content: "hi" },
  ],
  stop_sequences: ["a", "b"],
  x: { off: null, on: true },
})"_s;
}

void TestCodeSnippets::literals_areLaidOutForReading()
{
    QFETCH(CodeLiteral::Language, language);
    QFETCH(QString, expected);
    const QJsonObject object = parsed(R"({"x": {"on": true, "off": null}, "stop_sequences": ["a", "b"],
                                          "messages": [{"content": "hi", "role": "user"}], "model": "m"})");
    QCOMPARE(CodeLiteral::value(object, language), expected);
}

void TestCodeSnippets::literalKeys_followTheRequest()
{
    const QJsonObject object = parsed(R"({"zeta": 1, "content": 2, "model": 3, "alpha": 4, "role": 5, "top_k": 6})");
    QCOMPARE(CodeLiteral::keys(object),
             QStringList({u"model"_s, u"role"_s, u"content"_s, u"top_k"_s, u"alpha"_s, u"zeta"_s}));
}

void TestCodeSnippets::requestBody_hasExactlyTheSetFields_data()
{
    QTest::addColumn<ChatSettings>("settings");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray start = R"({"model":"m","max_tokens":1024,)";
    const QByteArray messages = R"("messages":[{"role":"user","content":"hi"}])";
    ChatSettings settings;
    settings.model = u"m"_s;
    QTest::addRow("defaults") << settings << QByteArray(start + messages + R"(,"stream":true})");
    settings.stream = false;
    QTest::addRow("not streaming") << settings << QByteArray(start + messages + "}");
    settings.system = QString();
    settings.stopSequences = {};
    QTest::addRow("empty system and stop sequences") << settings << QByteArray(start + messages + "}");
    settings.stopSequences = {QString(), u"END"_s};
    QTest::addRow("empty stop sequence dropped")
        << settings << QByteArray(start + messages + R"(,"stop_sequences":["END"]})");
    settings.stopSequences = {};
    settings.temperature = 0.0;
    settings.topP = 0.0;
    settings.topK = 0;
    QTest::addRow("zeros are values") << settings
                                      << QByteArray(start + messages + R"(,"temperature":0,"top_p":0,"top_k":0})");
    settings.system = u"sys"_s;
    settings.temperature = 0.7;
    settings.topP = 0.95;
    settings.topK = 40;
    settings.maxTokens = 1;
    settings.stopSequences = {u"a"_s, u"b"_s};
    settings.stream = true;
    QTest::addRow("everything") << settings
                                << QByteArray(R"({"model":"m","max_tokens":1,"system":"sys",)" + messages +
                                              R"(,"temperature":0.7,"top_p":0.95,"top_k":40,)"
                                              R"("stop_sequences":["a","b"],"stream":true})");

    ChatSettings tools;
    tools.model = u"m"_s;
    tools.stream = false;
    tools.toolsJson = uR"([{"name":"f","input_schema":{"type":"object"}}])"_s;
    QTest::addRow("tools") << tools
                           << QByteArray(start + messages +
                                         R"(,"tools":[{"name":"f","input_schema":{"type":"object"}}]})");
    tools.toolChoice = uR"({"type":"tool","name":"f"})"_s;
    QTest::addRow("tools and tool_choice")
        << tools
        << QByteArray(
               start + messages +
               R"(,"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"}})");
    ChatSettings choiceOnly;
    choiceOnly.model = u"m"_s;
    choiceOnly.stream = false;
    choiceOnly.toolChoice = uR"({"type":"any"})"_s;
    QTest::addRow("tool_choice without tools is not sent") << choiceOnly << QByteArray(start + messages + "}");
    ChatSettings broken = choiceOnly;
    broken.toolsJson = u"[{"_s;
    QTest::addRow("unparsable tools are not sent") << broken << QByteArray(start + messages + "}");
    ChatSettings thinking;
    thinking.model = u"m"_s;
    thinking.stream = false;
    thinking.maxTokens = 4096;
    thinking.thinkingBudget = 2048;
    QTest::addRow("thinking") << thinking
                              << QByteArray(R"({"model":"m","max_tokens":4096,)" + messages +
                                            R"(,"thinking":{"type":"enabled","budget_tokens":2048}})");
}

void TestCodeSnippets::requestBody_hasExactlyTheSetFields()
{
    QFETCH(ChatSettings, settings);
    QFETCH(QByteArray, expected);
    // Byte for byte: compact, in the order a person reads a request.
    QCOMPARE(CodeSnippets::requestBody(settings, {turn(ChatMessage::Role::User, u"hi"_s)}), expected);
}

void TestCodeSnippets::requestBody_sendsOnlyRoleAndTextOfRealTurns()
{
    ChatMessage thought = turn(ChatMessage::Role::Assistant, u"hello"_s);
    thought.thinking = u"the user greets me"_s;
    thought.id = 7;
    thought.stats.outputTokens = 3;
    ChatMessage failed = turn(ChatMessage::Role::Assistant, u"partial"_s, ChatMessage::State::Failed);
    failed.errorType = u"overloaded_error"_s;
    const QList<ChatMessage> messages = {
        turn(ChatMessage::Role::User, u"hi"_s),
        thought,
        turn(ChatMessage::Role::User, QString()),
        failed,
        turn(ChatMessage::Role::Assistant, QString(), ChatMessage::State::Failed),
        turn(ChatMessage::Role::User, u" \n\t"_s),
        turn(ChatMessage::Role::Assistant, u"cut sh"_s, ChatMessage::State::Stopped),
        turn(ChatMessage::Role::User, u"go on"_s),
    };
    ChatSettings settings;
    settings.model = u"m"_s;
    const QJsonArray sent = parsed(CodeSnippets::requestBody(settings, messages)).value(u"messages").toArray();
    // What is left of two replies in a row (the questions between them were blank) is joined, so
    // the request keeps alternating.
    const QJsonArray expected = QJsonDocument::fromJson(R"([{"role":"user","content":"hi"},
                                                            {"role":"assistant","content":"hello\n\ncut sh"},
                                                            {"role":"user","content":"go on"}])")
                                    .array();
    QCOMPARE(sent, expected);
}

void TestCodeSnippets::requestBody_sendsContentBlocks()
{
    ChatMessage question = turn(ChatMessage::Role::User, u"What is in this picture?"_s);
    question.images = {{u"image/png"_s, "iVBORw0KGgo=", u"a.png"_s}, {u"image/jpeg"_s, "/9j/4AAQ", u"b.jpg"_s}};
    ChatMessage call = turn(ChatMessage::Role::Assistant, u"I will look it up."_s);
    call.thinking = u"The user wants the weather."_s;
    call.thinkingSignature = u"sig"_s;
    call.toolUses = {{u"toolu_1"_s, u"get_weather"_s, uR"({"city":"Paris"})"_s},
                     {u"toolu_2"_s, u"get_time"_s, u"{}"_s}};
    ChatMessage answers = turn(ChatMessage::Role::User, QString());
    answers.toolResults = {{u"toolu_1"_s, u"21C"_s, false}, {u"toolu_2"_s, u"no clock"_s, true}};
    ChatMessage plainThought = turn(ChatMessage::Role::Assistant, u"It is 21C."_s);
    plainThought.thinking = u"easy"_s;
    plainThought.thinkingSignature = u"sig2"_s;
    ChatSettings settings;
    settings.model = u"m"_s;
    const QJsonArray sent = parsed(CodeSnippets::requestBody(settings, {question, call, answers, plainThought}))
                                .value(u"messages")
                                .toArray();
    // User turns: tool results first, then images, then text. Assistant turns: signed thinking
    // (only beside tool calls, where the API needs it), text, then the calls. Text alone stays a string.
    const QJsonArray expected = QJsonDocument::fromJson(R"([
        {"role":"user","content":[
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
            {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
            {"type":"text","text":"What is in this picture?"}]},
        {"role":"assistant","content":[
            {"type":"thinking","thinking":"The user wants the weather.","signature":"sig"},
            {"type":"text","text":"I will look it up."},
            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
            {"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]},
        {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"toolu_1","content":"21C"},
            {"type":"tool_result","tool_use_id":"toolu_2","content":"no clock","is_error":true}]},
        {"role":"assistant","content":"It is 21C."}])")
                                    .array();
    QCOMPARE(sent, expected);
}

void TestCodeSnippets::requestBody_dropsUnansweredToolCalls()
{
    // The user wrote a new question instead of answering the call: the call (and the thinking that
    // came with it) is left out, as the API refuses a tool_use with no tool_result after it.
    ChatMessage call = turn(ChatMessage::Role::Assistant, QString());
    call.toolUses = {{u"toolu_1"_s, u"f"_s, u"{}"_s}};
    ChatMessage textCall = turn(ChatMessage::Role::Assistant, u"Calling f."_s);
    textCall.toolUses = {{u"toolu_2"_s, u"f"_s, u"{}"_s}};
    ChatMessage orphan = turn(ChatMessage::Role::User, u"never mind"_s);
    orphan.toolResults = {{u"toolu_9"_s, u"stale"_s, false}};
    ChatMessage pending = turn(ChatMessage::Role::Assistant, QString());
    pending.toolUses = {{u"toolu_3"_s, u"f"_s, u"{\"x\":1}"_s}};
    ChatSettings settings;
    settings.model = u"m"_s;
    const QJsonArray sent =
        parsed(CodeSnippets::requestBody(settings, {turn(ChatMessage::Role::User, u"a"_s), call,
                                                    turn(ChatMessage::Role::User, u"b"_s), textCall, orphan, pending}))
            .value(u"messages")
            .toArray();
    const QJsonArray expected = QJsonDocument::fromJson(R"([
        {"role":"user","content":"a\n\nb"},
        {"role":"assistant","content":[{"type":"text","text":"Calling f."}]},
        {"role":"user","content":[{"type":"text","text":"never mind"}]},
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_3","name":"f","input":{"x":1}}]}])")
                                    .array();
    QCOMPARE(sent, expected);
}

// What the user typed in the tools editor reaches the model as typed: QJsonDocument would sort the
// properties (a model reads them in order) and respell numbers. Only whitespace goes.
void TestCodeSnippets::requestBody_keepsToolsAsWritten_data()
{
    QTest::addColumn<QString>("tools");
    QTest::addColumn<QString>("toolChoice");
    QTest::addColumn<QByteArray>("expected"); // what follows "tools": in the body

    QTest::addRow("properties in the order written")
        << uR"([{"name":"f","description":"d","input_schema":{"type":"object",)"
           uR"("properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}},"required":["zeta","alpha"]}}])"_s
        << QString()
        << QByteArray(
               R"([{"name":"f","description":"d","input_schema":{"type":"object",)"
               R"("properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}},"required":["zeta","alpha"]}}])"
               "}");
    QTest::addRow("nested object and numbers as spelled")
        << uR"([{"name":"g","input_schema":{"type":"object","properties":{"box":{"type":"object",)"
           uR"("properties":{"w":{"type":"number","default":1.0},"h":{"type":"integer","maximum":1e2},)"
           uR"("d":{"type":"number","multipleOf":0.1}}}}}}])"_s
        << QString()
        << QByteArray(R"([{"name":"g","input_schema":{"type":"object","properties":{"box":{"type":"object",)"
                      R"("properties":{"w":{"type":"number","default":1.0},"h":{"type":"integer","maximum":1e2},)"
                      R"("d":{"type":"number","multipleOf":0.1}}}}}}])"
                      "}");
    QTest::addRow("indented in the editor, other keys and escapes kept")
        << uR"([
  {
    "type": "custom",
    "name": "h",
    "input_schema": {"type": "object"},
    "description": "caf\u00e9 \"x\"",
    "cache_control": {"type": "ephemeral"}
  }
]
)"_s << QString()
        << QByteArray(R"([{"type":"custom","name":"h","input_schema":{"type":"object"},)"
                      R"("description":"caf\u00e9 \"x\"","cache_control":{"type":"ephemeral"}}])"
                      "}");
    QTest::addRow("tool_choice in the order written")
        << uR"([{"name":"f","input_schema":{"type":"object"}}])"_s
        << uR"({ "type": "tool", "name": "f", "disable_parallel_tool_use": true })"_s
        << QByteArray(R"([{"name":"f","input_schema":{"type":"object"}}],)"
                      R"("tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true}})");
}

void TestCodeSnippets::requestBody_keepsToolsAsWritten()
{
    QFETCH(QString, tools);
    QFETCH(QString, toolChoice);
    QFETCH(QByteArray, expected);
    ChatSettings settings;
    settings.model = u"m"_s;
    settings.toolsJson = tools;
    settings.toolChoice = toolChoice;
    const QByteArray body = CodeSnippets::requestBody(settings, {turn(ChatMessage::Role::User, u"hi"_s)});
    QVERIFY2(body.endsWith(QByteArray(R"("tools":)" + expected)), body.constData());
}

// A tool call goes back with its input as the model wrote it: a local engine caches the tokens it
// generated, and a re-sorted or respelled input makes it read the turn again.
void TestCodeSnippets::requestBody_sendsToolInputAsWritten_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("keys in the model's order")
        << uR"({"zeta":"z","alpha":"a"})"_s << QByteArray(R"({"zeta":"z","alpha":"a"})");
    QTest::addRow("nested, numbers as spelled")
        << uR"({"b":{"y":1.0,"x":1e2},"a":[0.1,{"d":null,"c":true}],"n":-0.0})"_s
        << QByteArray(R"({"b":{"y":1.0,"x":1e2},"a":[0.1,{"d":null,"c":true}],"n":-0.0})");
    QTest::addRow("escapes and spacing as generated")
        << uR"({"q": "caf\u00e9 \"x\"", "p": 1})"_s << QByteArray(R"({"q": "caf\u00e9 \"x\"", "p": 1})");
    QTest::addRow("not JSON: an empty input") << uR"({"a":)"_s << QByteArray("{}");
    QTest::addRow("not an object: an empty input") << u"[1,2]"_s << QByteArray("{}");
}

void TestCodeSnippets::requestBody_sendsToolInputAsWritten()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, expected);
    ChatMessage call;
    call.role = ChatMessage::Role::Assistant;
    call.toolUses = {{u"toolu_1"_s, u"f"_s, input}};
    ChatSettings settings;
    settings.model = u"m"_s;
    settings.stream = false;
    const QByteArray body = CodeSnippets::requestBody(settings, {turn(ChatMessage::Role::User, u"go"_s), call});
    QVERIFY2(body.contains(QByteArray(R"({"type":"tool_use","id":"toolu_1","name":"f","input":)" + expected + "}]}")),
             body.constData());
}

void TestCodeSnippets::temperature_unsetIsNotZero()
{
    ChatSettings settings;
    settings.model = u"m"_s;
    const QList<ChatMessage> messages = {turn(ChatMessage::Role::User, u"hi"_s)};
    QVERIFY(!parsed(CodeSnippets::requestBody(settings, messages)).contains(u"temperature"));
    QVERIFY(!CodeSnippets::curl(Base, settings, messages).contains(u"temperature"));
    QVERIFY(!CodeSnippets::python(Base, settings, messages).contains(u"temperature"));
    QVERIFY(!CodeSnippets::typeScript(Base, settings, messages).contains(u"temperature"));

    settings.temperature = 0.0;
    QCOMPARE(parsed(CodeSnippets::requestBody(settings, messages)).value(u"temperature"), QJsonValue(0));
    QVERIFY(CodeSnippets::curl(Base, settings, messages).contains(u"\"temperature\": 0,"));
    QVERIFY(CodeSnippets::python(Base, settings, messages).contains(u"    temperature=0,\n"));
    QVERIFY(CodeSnippets::typeScript(Base, settings, messages).contains(u"  temperature: 0,\n"));
}

// Running the snippets cannot tell an escape from the character itself, so this is checked on
// the text: what a reader cannot see is spelled out, what they can see is left alone.
void TestCodeSnippets::invisibleCharacters_areWrittenAsEscapes()
{
    ChatSettings settings;
    settings.model = u"m"_s;
    const QList<ChatMessage> messages = {
        turn(ChatMessage::Role::User, u"a\u202eb\u200bc\ufeffd\U000E0041e\u2028f\u0000g 👩\u200d💻 é"_s)};
    const QString shown = u"a\\u202eb\\u200bc\\ufeffd"_s;
    // Python joins no surrogate pair written as two escapes, so a character past the BMP needs \U.
    const QString python = shown + u"\\U000e0041e\\u2028f\\u0000g 👩\u200d💻 é\""_s;
    const QString javaScript = shown + u"\\udb40\\udc41e\\u2028f\\u0000g 👩\u200d💻 é\""_s;
    QVERIFY(CodeSnippets::python(Base, settings, messages).contains(python));
    QVERIFY(CodeSnippets::typeScript(Base, settings, messages).contains(javaScript));
    QVERIFY(CodeSnippets::curl(Base, settings, messages).contains(javaScript));
}

void TestCodeSnippets::curl_sendsTheBody_data()
{
    addSnippetRows();
}

void TestCodeSnippets::curl_sendsTheBody()
{
    QFETCH(ChatSettings, settings);
    QFETCH(QList<ChatMessage>, messages);
    if (tool(u"sh"_s).isEmpty()) {
        QSKIP("no sh");
    }
    const QString snippet = CodeSnippets::curl(Base, settings, messages);
    QVERIFY2(run(tool(u"sh"_s), {u"-n"_s}, snippet.toUtf8()).ok, qPrintable(snippet));

    // The snippet runs with curl replaced by a function that prints its arguments, NUL-separated
    // (the one byte an argument cannot hold).
    const QByteArray script =
        "curl() { for argument in \"$@\"; do printf '%s\\0' \"$argument\"; done; }\n" + snippet.toUtf8();
    const Finished ran =
        run(tool(u"sh"_s), {u"-c"_s, QString::fromUtf8(script)}, {}, environmentWithKey(KeyFromEnvironment.toString()));
    QVERIFY2(ran.ok, qPrintable(snippet));
    QByteArrayList arguments = ran.out.split('\0');
    QCOMPARE(arguments.takeLast(), QByteArray());
    QVERIFY(arguments.size() >= 2);
    const QByteArray body = arguments.takeLast();
    QByteArrayList expected = {"http://127.0.0.1:8321/v1/messages",
                               "-H",
                               "content-type: application/json",
                               "-H",
                               "anthropic-version: 2023-06-01",
                               "-H",
                               "x-api-key: " + KeyFromEnvironment.toUtf8(),
                               "--data"};
    if (settings.stream) {
        expected.prepend("-N");
    }
    QCOMPARE(arguments, expected);
    QCOMPARE(parsed(body), parsed(CodeSnippets::requestBody(settings, messages)));
}

void TestCodeSnippets::python_sendsTheBody_data()
{
    addSnippetRows();
}

void TestCodeSnippets::python_sendsTheBody()
{
    QFETCH(ChatSettings, settings);
    QFETCH(QList<ChatMessage>, messages);
    if (tool(u"python3"_s).isEmpty()) {
        QSKIP("no python3");
    }
    const QString snippet = CodeSnippets::python(Base, settings, messages);
    // Bytes, so that the parse does not depend on the locale's encoding.
    QVERIFY2(
        run(tool(u"python3"_s), {u"-c"_s, u"import ast,sys; ast.parse(sys.stdin.buffer.read())"_s}, snippet.toUtf8())
            .ok,
        qPrintable(snippet));

    const QJsonObject record = runPython(snippet, KeyFromEnvironment.toString());
    QVERIFY2(!record.isEmpty(), qPrintable(snippet));
    QCOMPARE(record.value(u"call").toString(), settings.stream ? u"stream"_s : u"create"_s);
    QCOMPARE(record.value(u"baseURL").toString(), Base.toString());
    QCOMPARE(record.value(u"apiKey").toString(), KeyFromEnvironment.toString());
    QCOMPARE(sentBody(record), parsed(CodeSnippets::requestBody(settings, messages)));
}

void TestCodeSnippets::typeScript_sendsTheBody_data()
{
    addSnippetRows();
}

void TestCodeSnippets::typeScript_sendsTheBody()
{
    QFETCH(ChatSettings, settings);
    QFETCH(QList<ChatMessage>, messages);
    if (tool(u"node"_s).isEmpty()) {
        QSKIP("no node");
    }
    const QString snippet = CodeSnippets::typeScript(Base, settings, messages);
    QVERIFY(snippet.startsWith(u"import Anthropic from \"@anthropic-ai/sdk\";\n"));
    QTemporaryDir dir;
    const QString checked = dir.filePath(u"check.mjs"_s);
    QVERIFY(writeFile(checked, withoutSdkImport(snippet).toUtf8()));
    QVERIFY2(run(tool(u"node"_s), {u"--check"_s, checked}).ok, qPrintable(snippet));

    const QJsonObject record = runJavaScript(snippet, KeyFromEnvironment.toString());
    QVERIFY2(!record.isEmpty(), qPrintable(snippet));
    QCOMPARE(record.value(u"call").toString(), settings.stream ? u"stream"_s : u"create"_s);
    QCOMPARE(record.value(u"baseURL").toString(), Base.toString());
    QCOMPARE(record.value(u"apiKey").toString(), KeyFromEnvironment.toString());
    QCOMPARE(sentBody(record), parsed(CodeSnippets::requestBody(settings, messages)));
}

// Running a snippet only shows that it sends an equal body; this checks that it reads in the order
// the chat sends it (the tools as the user wrote them, the call's input as the model did), and that
// a float stays one.
void TestCodeSnippets::snippets_keepTheBodysOrder_data()
{
    QTest::addColumn<QString>("snippet");
    QTest::addRow("curl") << CodeSnippets::curl(Base, withTools(false), toolConversation());
    QTest::addRow("python") << CodeSnippets::python(Base, withTools(false), toolConversation());
    QTest::addRow("typescript") << CodeSnippets::typeScript(Base, withTools(false), toolConversation());
}

void TestCodeSnippets::snippets_keepTheBodysOrder()
{
    QFETCH(QString, snippet);
    const auto inOrder = [&](const QStringList &words) {
        qsizetype at = -1;
        for (const QString &word : words) {
            const qsizetype next = snippet.indexOf(word, at + 1);
            if (next < 0) {
                qWarning("%s is missing or out of order", qPrintable(word));
                return false;
            }
            at = next;
        }
        return true;
    };
    // Keys are quoted in some languages and not in others; the values around them pin them down.
    QVERIFY2(inOrder({u"model"_s,       u"max_tokens"_s, u"messages"_s, u"role"_s,  u"content"_s, u"\"tool_use\""_s,
                      u"\"toolu_1\""_s, u"input"_s,      u"zeta"_s,     u"2.5"_s,   u"alpha"_s,   u"y"_s,
                      u"1.0"_s,         u"x"_s,          u"tools"_s,    u"\"f\""_s, u"\"d\""_s,   u"input_schema"_s,
                      u"zeta"_s,        u"default"_s,    u"1.0"_s,      u"alpha"_s, u"maximum"_s, u"tool_choice"_s}),
             qPrintable(snippet));
}

void TestCodeSnippets::keyPolicy_readsTheEnvironment_data()
{
    QTest::addColumn<bool>("python");
    QTest::addColumn<CodeSnippets::KeyPolicy>("policy");
    QTest::addColumn<QString>("environment"); // null: unset
    QTest::addColumn<QJsonValue>("expected"); // undefined: the snippet must fail before sending

    for (const bool python : {true, false}) {
        const char *language = python ? "python" : "typescript";
        QTest::addRow("%s, placeholder, key set", language)
            << python << CodeSnippets::KeyPolicy::Placeholder << u"sk-env"_s << QJsonValue(u"sk-env"_s);
        QTest::addRow("%s, placeholder, key unset", language)
            << python << CodeSnippets::KeyPolicy::Placeholder << QString() << QJsonValue(u"switchboard"_s);
        QTest::addRow("%s, required, key set", language)
            << python << CodeSnippets::KeyPolicy::Required << u"sk-env"_s << QJsonValue(u"sk-env"_s);
        // The TypeScript SDK itself refuses to send without a key; the snippet passes none on.
        QTest::addRow("%s, required, key unset", language)
            << python << CodeSnippets::KeyPolicy::Required << QString()
            << (python ? QJsonValue(QJsonValue::Undefined) : QJsonValue(QJsonValue::Null));
    }
}

void TestCodeSnippets::keyPolicy_readsTheEnvironment()
{
    QFETCH(bool, python);
    QFETCH(CodeSnippets::KeyPolicy, policy);
    QFETCH(QString, environment);
    QFETCH(QJsonValue, expected);
    if (tool(python ? u"python3"_s : u"node"_s).isEmpty()) {
        QSKIP("interpreter missing");
    }
    ChatSettings settings;
    settings.model = u"m"_s;
    const QList<ChatMessage> messages = {turn(ChatMessage::Role::User, u"hi"_s)};
    const QString snippet = python ? CodeSnippets::python(Base, settings, messages, policy)
                                   : CodeSnippets::typeScript(Base, settings, messages, policy);
    QVERIFY(snippet.contains(u"ANTHROPIC_API_KEY"));
    if (expected.isUndefined()) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"python3 failed: .*KeyError"_s,
                                                              QRegularExpression::DotMatchesEverythingOption));
    }
    const QJsonObject record = python ? runPython(snippet, environment) : runJavaScript(snippet, environment);
    if (expected.isUndefined()) {
        QVERIFY(record.isEmpty());
    } else {
        QCOMPARE(record.value(u"apiKey"), expected);
    }
}

void TestCodeSnippets::baseUrl_isNormalisedAndQuoted()
{
    ChatSettings settings;
    settings.model = u"m"_s;
    settings.stream = false;
    const QList<ChatMessage> messages = {turn(ChatMessage::Role::User, u"hi"_s)};

    QVERIFY(CodeSnippets::curl(u" http://localhost:8321// "_s, settings, messages)
                .startsWith(u"curl http://localhost:8321/v1/messages \\\n"));
    QVERIFY(CodeSnippets::python(u"http://localhost:8321/"_s, settings, messages)
                .contains(u"    base_url=\"http://localhost:8321\",\n"));
    QVERIFY(CodeSnippets::typeScript(u"http://localhost:8321/"_s, settings, messages)
                .contains(u"  baseURL: \"http://localhost:8321\",\n"));

    // A base the shell would split or expand is quoted; run it to be sure it arrives intact.
    const QString odd = u"http://h:1/a b/$x/`id`/it's"_s;
    const QString snippet = CodeSnippets::curl(odd, settings, messages);
    QVERIFY(snippet.startsWith(u"curl 'http://h:1/a b/$x/`id`/it'\\''s/v1/messages' \\\n"));
    if (!tool(u"sh"_s).isEmpty()) {
        const Finished ran = run(tool(u"sh"_s), {u"-c"_s, u"curl() { printf '%s' \"$1\"; }\n"_s + snippet});
        QVERIFY(ran.ok);
        QCOMPARE(QString::fromUtf8(ran.out), odd + u"/v1/messages");
    }
}

QTEST_GUILESS_MAIN(TestCodeSnippets)
#include "tst_codesnippets.moc"
