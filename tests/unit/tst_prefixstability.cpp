// SPDX-License-Identifier: MIT
// The prefix invariant (ARCHITECTURE.md, "The prompt prefix"), checked property-style: over many
// generated Claude-Code-shaped sessions, when request N+1 extends request N, the upstream messages
// of N are byte-identical to the first upstream messages of N+1, and so are the system message and
// the tools. A local engine then evaluates only what is new.
#include "api/requestdecoder.h"
#include "backend/openai/chatrequestbuilder.h"
#include "json/jsonparser.h"
#include "json/jsonwriter.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <iterator>

using namespace Switchboard::Core;

namespace {

// The elements of the array at `pointer`, each as the bytes written (Json::rawAt), so the
// comparison is of bytes, not of re-parsed values.
QList<QByteArray> rawElements(QByteArrayView json, const QByteArray &pointer)
{
    QList<QByteArray> elements;
    for (int i = 0;; ++i) {
        QByteArray element = Json::rawAt(json, QByteArray(pointer + '/' + QByteArray::number(i)).toStdString());
        if (element.isEmpty()) {
            return elements;
        }
        elements.append(std::move(element));
    }
}

// ---- A Claude-Code-shaped session: what each message is, written anew (in an equivalent form
// chosen at random) for every request, as a client that rebuilds its history does.

struct Block
{
    enum class Kind
    {
        Text,
        Image,
        ToolUse,
        ToolResult,
        Thinking,
    };
    Kind kind = Kind::Text;
    QByteArray text; // text, thinking, a tool result's text, an image's base64
    QByteArray id;   // tool_use id, or the id a tool_result answers
    QByteArray name;
    QByteArray input;
    bool isError = false;
    bool resultIsImage = false;

    static Block of(Kind kind, QByteArray text, QByteArray id = {})
    {
        Block block;
        block.kind = kind;
        block.text = std::move(text);
        block.id = std::move(id);
        return block;
    }
};

constexpr const char OnePixelGif[] = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
constexpr const char OnePixelPng[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

struct GeneratedMessage
{
    QByteArray role;
    std::vector<Block> blocks;
};

class SessionGenerator
{
public:
    explicit SessionGenerator(quint32 seed)
        : m_random(seed)
    {}

    // Each entry is one request body of the session, in order; each extends the one before.
    std::vector<QByteArray> requests(int steps);

private:
    int pick(int bound) { return int(m_random.bounded(bound)); }
    bool chance(int percent) { return pick(100) < percent; }
    QByteArray word() { return Words[pick(int(std::size(Words)))]; }
    QByteArray sentence(int words);
    QByteArray toolOutput();
    QByteArray toolId();
    QByteArray toolInput(const QByteArray &tool);

    void appendStep();
    void appendSystem(const QByteArray &text)
    {
        m_messages.push_back({"system", {Block::of(Block::Kind::Text, text)}});
    }
    QByteArray requestBody();
    void writeMessage(JsonWriter &json, const GeneratedMessage &message, bool last);
    void writeBlock(JsonWriter &json, const Block &block, bool cached);

    static constexpr const char *Words[] = {"build", "the",          "parser",  "file", "test", "ok",         "error",
                                            "line",  "src/main.cpp", "returns", "{",    "}",    "\"quoted\"", "é",
                                            "→",     "\\n"};
    QRandomGenerator m_random;
    std::vector<GeneratedMessage> m_messages;
    int m_notifications = 0;
    int m_tokensLeft = 200000;
};

QByteArray SessionGenerator::sentence(int words)
{
    QByteArray text = word();
    for (int i = 1; i < words; ++i) {
        text += ' ' + word();
    }
    return text;
}

QByteArray SessionGenerator::toolOutput()
{
    QByteArray text;
    for (int line = 0; line < 25; ++line) {
        text += QByteArray::number(line + 1) + "\t" + sentence(4 + pick(6)) + "\n";
    }
    return text;
}

QByteArray SessionGenerator::toolId()
{
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray id = "toolu_01";
    for (int i = 0; i < 22; ++i) {
        id += Alphabet[pick(62)];
    }
    return id;
}

QByteArray SessionGenerator::toolInput(const QByteArray &tool)
{
    // Keys in the model's order, not alphabetical; numbers as a model writes them.
    if (tool == "Bash") {
        QByteArray description;
        JsonWriter::appendString(description, sentence(3));
        return R"({"command":"ls -la src","timeout":120000,"description":)" + description + "}";
    }
    return R"({"file_path":"/p/src/main.cpp","offset":1.0,"limit":2e3})";
}

void SessionGenerator::appendStep()
{
    const int shape = pick(10);
    if (shape == 0 && m_messages.back().role != "assistant") {
        // An interrupted request: the user simply adds another question.
        m_messages.push_back({"user", {Block::of(Block::Kind::Text, sentence(6))}});
        return;
    }
    GeneratedMessage assistant{"assistant", {}};
    if (chance(40)) {
        assistant.blocks.push_back(Block::of(Block::Kind::Thinking, sentence(12)));
    }
    if (chance(70)) {
        assistant.blocks.push_back(Block::of(Block::Kind::Text, sentence(8)));
    }
    std::vector<QByteArray> calls;
    const int toolCalls = chance(65) ? 1 + pick(3) : 0;
    for (int i = 0; i < toolCalls; ++i) {
        const QByteArray tool = chance(50) ? "Bash" : "Read";
        Block use = Block::of(Block::Kind::ToolUse, {}, toolId());
        use.name = tool;
        use.input = toolInput(tool);
        calls.push_back(use.id);
        assistant.blocks.push_back(use);
    }
    if (assistant.blocks.empty()) {
        assistant.blocks.push_back(Block::of(Block::Kind::Text, sentence(3)));
    }
    m_messages.push_back(assistant);
    if (chance(25)) {
        // A background subagent finished while the tools ran.
        appendSystem("<task-notification>\n<task-id>" + QByteArray::number(++m_notifications) +
                     "</task-id>\n<status>completed</status>\n<summary>" + sentence(8) +
                     "</summary>\n</task-notification>");
    }
    GeneratedMessage user{"user", {}};
    for (const QByteArray &id : calls) {
        Block result = Block::of(Block::Kind::ToolResult, toolOutput(), id);
        result.isError = chance(10);
        result.resultIsImage = !result.isError && chance(10);
        if (result.resultIsImage) {
            result.text = OnePixelPng;
        }
        user.blocks.push_back(result);
    }
    if (calls.empty() || chance(20)) {
        user.blocks.push_back(Block::of(Block::Kind::Text, sentence(10)));
    }
    if (chance(10)) {
        user.blocks.push_back(Block::of(Block::Kind::Image, OnePixelGif));
    }
    m_messages.push_back(user);
    if (chance(15)) {
        m_messages.push_back({"user", {Block::of(Block::Kind::Text, sentence(5))}}); // consecutive user turns
    }
    if (chance(35)) {
        m_tokensLeft -= 1000 + pick(5000);
        appendSystem("<total_tokens>" + QByteArray::number(m_tokensLeft) + " tokens left</total_tokens>");
    }
}

void SessionGenerator::writeBlock(JsonWriter &json, const Block &block, bool cached)
{
    json.beginObject();
    switch (block.kind) {
    case Block::Kind::Text:
        json.field("type", "text").field("text", block.text);
        break;
    case Block::Kind::Image:
        json.field("type", "image").key("source").beginObject();
        json.field("type", "base64").field("media_type", "image/gif").field("data", block.text).endObject();
        break;
    case Block::Kind::Thinking:
        json.field("type", "thinking")
            .field("thinking", block.text)
            .field("signature", "sig" + QByteArray::number(qHash(block.text)));
        break;
    case Block::Kind::ToolUse:
        json.field("type", "tool_use").field("id", block.id).field("name", block.name);
        json.key("input").raw(block.input);
        break;
    case Block::Kind::ToolResult:
        // Claude Code writes tool_use_id before type; the order must not matter.
        json.field("tool_use_id", block.id).field("type", "tool_result");
        if (block.resultIsImage) {
            json.key("content").beginArray().beginObject();
            json.field("type", "image").key("source").beginObject();
            json.field("type", "base64").field("media_type", "image/png").field("data", block.text).endObject();
            json.endObject().endArray();
        } else if (chance(50)) {
            json.field("content", block.text);
        } else {
            json.key("content").beginArray().beginObject().field("type", "text").field("text", block.text);
            json.endObject().endArray();
        }
        if (block.isError || chance(30)) {
            json.field("is_error", block.isError);
        }
        break;
    }
    if (cached) {
        json.key("cache_control").beginObject().field("type", "ephemeral").endObject();
    }
    json.endObject();
}

void SessionGenerator::writeMessage(JsonWriter &json, const GeneratedMessage &message, bool last)
{
    json.beginObject().field("role", message.role).key("content");
    const bool plain = message.blocks.size() == 1 && message.blocks.front().kind == Block::Kind::Text;
    // The same message as a string one time and as blocks the next (Claude Code does this), and
    // cache_control markers that move to the newest messages.
    if (plain && chance(50)) {
        json.value(message.blocks.front().text);
    } else {
        json.beginArray();
        for (std::size_t i = 0; i < message.blocks.size(); ++i) {
            writeBlock(json, message.blocks[i], last && i + 1 == message.blocks.size());
        }
        json.endArray();
    }
    json.endObject();
}

QByteArray SessionGenerator::requestBody()
{
    QByteArray body;
    JsonWriter json(body);
    json.beginObject().field("model", "claude-sonnet-4-5").key("messages").beginArray();
    for (std::size_t i = 0; i < m_messages.size(); ++i) {
        writeMessage(json, m_messages[i], i + 1 == m_messages.size());
    }
    json.endArray();
    json.key("system").beginArray();
    json.beginObject().field("type", "text");
    json.field("text", "x-anthropic-billing-header: cc_version=2.1.332.130; cc_entrypoint=cli; cch=" +
                           QByteArray::number(pick(100000)) + ";");
    json.endObject();
    json.beginObject().field("type", "text").field("text", "You are Claude Code.\n" + QByteArray(2000, 'x'));
    json.key("cache_control").beginObject().field("type", "ephemeral").endObject().endObject();
    json.endArray();
    json.key("tools").beginArray();
    json.beginObject().field("name", "Bash").field("description", "Runs a command.");
    json.key("input_schema")
        .raw(
            R"({"type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"number","maximum":6.0e5},)"
            R"("description":{"type":"string"}},"required":["command"],"additionalProperties":false})");
    json.endObject();
    json.beginObject().field("name", "Read").field("description", "Reads a file.");
    json.key("input_schema")
        .raw(R"({"type":"object","properties":{"file_path":{"type":"string"},"offset":{"type":"number"},)"
             R"("limit":{"type":"number","default":2000.0}},"required":["file_path"]})");
    json.endObject();
    json.endArray();
    json.field("max_tokens", 32000).field("stream", true);
    json.key("thinking").beginObject().field("type", "enabled").field("budget_tokens", 4000).endObject();
    json.key("metadata").beginObject().field("user_id", R"({"session_id":"s1"})").endObject();
    json.endObject();
    return body;
}

std::vector<QByteArray> SessionGenerator::requests(int steps)
{
    m_messages.clear();
    m_messages.push_back({"user",
                          {Block::of(Block::Kind::Text, "<system-reminder>\nAs you answer...\n</system-reminder>"),
                           Block::of(Block::Kind::Text, sentence(9))}});
    if (chance(70)) {
        appendSystem("# Environment\nYou have been invoked in the following environment: \n - Primary working "
                     "directory: /p");
    }
    std::vector<QByteArray> bodies{requestBody()};
    for (int step = 0; step < steps; ++step) {
        appendStep();
        bodies.push_back(requestBody());
    }
    return bodies;
}

struct Upstream
{
    QByteArray tools;
    QList<QByteArray> messages;
    QByteArray error;
};

Upstream upstreamOf(const QByteArray &client, SystemMessageRole role)
{
    const auto decoded = RequestDecoder::decode(client, RequestDecoder::Endpoint::Messages);
    if (!decoded) {
        return {{}, {}, "decode: " + decoded.error().message};
    }
    ChatRequestOptions options;
    options.upstreamModel = "local";
    options.systemMessageRole = role;
    const auto translated = buildChatRequest(*decoded, options);
    if (!translated) {
        return {{}, {}, "translate: " + translated.error().message};
    }
    return {Json::rawAt(translated->body, "/tools"), rawElements(translated->body, "/messages"), {}};
}

// Why `next` does not extend `previous`, or nothing when it does.
QByteArray prefixBreak(const Upstream &previous, const Upstream &next)
{
    if (previous.tools != next.tools) {
        return "the tools differ";
    }
    if (next.messages.size() < previous.messages.size()) {
        return "fewer upstream messages than the previous request";
    }
    for (qsizetype i = 0; i < previous.messages.size(); ++i) {
        const QByteArray &a = previous.messages[i];
        const QByteArray &b = next.messages[i];
        if (a != b) {
            qsizetype at = 0;
            while (at < a.size() && at < b.size() && a[at] == b[at]) {
                ++at;
            }
            return "upstream message " + QByteArray::number(i) + " differs at byte " + QByteArray::number(at) +
                   ":\n  was " + a.mid(qMax(0, at - 40), 100) + "\n  now " + b.mid(qMax(0, at - 40), 100);
        }
    }
    return {};
}

} // namespace

class TestPrefixStability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedSessions_extendTheirPrefix_data();
    void generatedSessions_extendTheirPrefix();
    void claudeCodeCaptures_extendTheirPrefix();
    void mergingTurns_isWhatBreaksIt();
};

void TestPrefixStability::generatedSessions_extendTheirPrefix_data()
{
    QTest::addColumn<int>("role");
    QTest::addRow("reminders as user messages") << int(SystemMessageRole::User);
    QTest::addRow("reminders as system messages") << int(SystemMessageRole::System);
    QTest::addRow("reminders as developer messages") << int(SystemMessageRole::Developer);
}

void TestPrefixStability::generatedSessions_extendTheirPrefix()
{
    QFETCH(int, role);
    constexpr int Sessions = 150;
    int pairs = 0;
    int systemMessages = 0;
    for (quint32 seed = 1; seed <= Sessions; ++seed) {
        SessionGenerator generator(seed);
        const std::vector<QByteArray> bodies = generator.requests(4 + int(seed % 9));
        Upstream previous = upstreamOf(bodies.front(), SystemMessageRole(role));
        QVERIFY2(previous.error.isEmpty(), previous.error.constData());
        for (std::size_t n = 1; n < bodies.size(); ++n) {
            const Upstream next = upstreamOf(bodies[n], SystemMessageRole(role));
            QVERIFY2(next.error.isEmpty(), QByteArray(next.error + "\nin " + bodies[n]).constData());
            const QByteArray broken = prefixBreak(previous, next);
            const QByteArray where =
                "session " + QByteArray::number(seed) + ", request " + QByteArray::number(qulonglong(n)) + ": ";
            QVERIFY2(broken.isEmpty(), QByteArray(where + broken).constData());
            QVERIFY(next.messages.size() > previous.messages.size());
            systemMessages += int(bodies[n].count(R"("role":"system")"));
            previous = next;
            ++pairs;
        }
    }
    // The generator must really have produced what the invariant is about.
    QVERIFY(pairs > 1000);
    QVERIFY(systemMessages > 1000);
}

void TestPrefixStability::claudeCodeCaptures_extendTheirPrefix()
{
    // Claude Code's first turn ends with its "# Environment" system message as a text block; the
    // follow-up sends the same message as a string, then the answer and the tool result.
    std::vector<Upstream> upstreams;
    for (const char *name : {"/claude-code/01-first-turn-request.json", "/claude-code/02-tool-result-request.json"}) {
        QFile file(qEnvironmentVariable("SWITCHBOARD_TEST_DATA") + QString::fromLatin1(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject body = QJsonDocument::fromJson(file.readAll()).object()[u"body"].toObject();
        upstreams.push_back(upstreamOf(QJsonDocument(body).toJson(QJsonDocument::Compact), SystemMessageRole::User));
        QVERIFY2(upstreams.back().error.isEmpty(), upstreams.back().error.constData());
    }
    QCOMPARE(prefixBreak(upstreams[0], upstreams[1]), QByteArray());
    QCOMPARE(upstreams[0].messages.size(), 3); // system, the question, "# Environment"
    QCOMPARE(upstreams[1].messages.size(), 5); // + the tool call, its result
    QVERIFY(upstreams[0].messages[2].contains("<system-reminder>\\n# Environment"));
}

void TestPrefixStability::mergingTurns_isWhatBreaksIt()
{
    // The option for strict-alternation templates trades the invariant away: a user turn that is
    // joined with the next one changes when the next one arrives. This is why it is off by default.
    const QByteArray first = R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"a"}]})";
    const QByteArray second =
        R"({"model":"m","max_tokens":9,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]})";
    ChatRequestOptions options;
    options.upstreamModel = "local";
    for (const bool merge : {false, true}) {
        options.mergeConsecutiveTurns = merge;
        const auto a = buildChatRequest(*RequestDecoder::decode(first, RequestDecoder::Endpoint::Messages), options);
        const auto b = buildChatRequest(*RequestDecoder::decode(second, RequestDecoder::Endpoint::Messages), options);
        const QByteArray broken =
            prefixBreak({{}, rawElements(a->body, "/messages"), {}}, {{}, rawElements(b->body, "/messages"), {}});
        QCOMPARE(broken.isEmpty(), !merge);
    }
}

QTEST_GUILESS_MAIN(TestPrefixStability)
#include "tst_prefixstability.moc"
