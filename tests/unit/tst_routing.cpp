// SPDX-License-Identifier: MIT
#include "api/requestdecoder.h"
#include "api/tokenestimator.h"
#include "backend/backend.h"
#include "http/httpclient.h"
#include "http/httprequest.h"
#include "routing/gatewayconfig.h"
#include "routing/glob.h"
#include "routing/modelrouter.h"
#include "server/apiserver.h"
#include "server/modelpage.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

// Configuration, model routing, model pages, path canonicalisation and the token estimate.
class TestRouting final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void glob_matches_data();
    void glob_matches();
    void config_parses();
    void config_isRefused_data();
    void config_isRefused();
    void config_roundTripsThroughJson();
    void config_toJsonOmitsKeys();
    void router_firstMatchWins();
    void paths_areCanonical_data();
    void paths_areCanonical();
    void modelPage_selects_data();
    void modelPage_selects();
    void modelPage_refusesBadLimits();
    void estimator_splitsTextLosslessly_data();
    void estimator_splitsTextLosslessly();
    void estimator_countsWholeRequests();
};

void TestRouting::glob_matches_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("matches");
    QTest::addRow("star") << QByteArray("*") << QByteArray("anything") << true;
    QTest::addRow("prefix") << QByteArray("claude-*") << QByteArray("claude-opus-5-5") << true;
    QTest::addRow("prefix miss") << QByteArray("claude-*") << QByteArray("gpt-4") << false;
    QTest::addRow("exact") << QByteArray("llama-3.3-70b") << QByteArray("llama-3.3-70b") << true;
    QTest::addRow("exact miss") << QByteArray("llama-3.3-70b") << QByteArray("llama-3.3-70b-x") << false;
    QTest::addRow("middle") << QByteArray("qwen*:7b") << QByteArray("qwen2.5-coder:7b") << true;
    QTest::addRow("question") << QByteArray("m?") << QByteArray("m1") << true;
    QTest::addRow("backtrack") << QByteArray("*a*b") << QByteArray("xaxxab") << true;
    QTest::addRow("empty text") << QByteArray("*") << QByteArray() << true;
}

void TestRouting::glob_matches()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QByteArray, text);
    QFETCH(bool, matches);
    QCOMPARE(globMatch(pattern, text), matches);
}

void TestRouting::config_parses()
{
    qputenv("SWITCHBOARD_TEST_KEY", "sk-test");
    const auto config = GatewayConfig::fromJson(R"({
        "backends": [
          {"name": "local", "type": "openai", "url": "http://127.0.0.1:11434/v1", "thinking": "reasoning_effort",
           "system_messages": "developer", "merge_consecutive_turns": true, "headers": {"X-Extra": "1"}, "timeouts": {"connect_ms": 1000, "first_byte_ms": 2000, "idle_ms": 3000}},
          {"name": "claude", "type": "anthropic", "url": "https://api.anthropic.com", "api_key_env": "SWITCHBOARD_TEST_KEY"},
          {"name": "sim", "type": "simulator", "tokens_per_second": 0}
        ],
        "routes": [
          {"model": "claude-*", "backend": "claude"},
          {"model": "llama-3.3-70b", "backend": "local", "upstream_model": "llama3.3:70b"}
        ],
        "default": "sim"
    })");
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error()));
    QCOMPARE(config->backends.size(), std::size_t(3));
    const BackendConfig &local = config->backends[0];
    QCOMPARE(local.kind, BackendConfig::Kind::OpenAi);
    QCOMPARE(local.thinkingStyle, ThinkingStyle::ReasoningEffort);
    QCOMPARE(local.systemMessageRole, SystemMessageRole::Developer);
    QVERIFY(local.mergeConsecutiveTurns);
    QCOMPARE(config->backends[1].systemMessageRole, SystemMessageRole::User); // the default
    QVERIFY(!config->backends[1].mergeConsecutiveTurns);
    QCOMPARE(local.headers.value("x-extra"), QByteArray("1"));
    QCOMPARE(local.timeouts.connect.count(), 1000);
    QCOMPARE(local.timeouts.firstByte.count(), 2000);
    QCOMPARE(local.timeouts.idle.count(), 3000);
    QCOMPARE(config->backends[1].apiKey, QByteArray("sk-test"));
    QCOMPARE(config->backends[2].tokensPerSecond, 0.0);
    QCOMPARE(config->routes.size(), std::size_t(3));
    QCOMPARE(config->routes[2].pattern, QByteArray("*"));
    QCOMPARE(config->routes[2].backend, QByteArray("sim"));
}

void TestRouting::config_isRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::addRow("not json") << QByteArray("{") << u"not valid JSON"_s;
    QTest::addRow("no backends") << QByteArray("{}") << u"backends: a list of backends is required"_s;
    QTest::addRow("unknown type") << QByteArray(R"({"backends":[{"name":"a","type":"grpc"}]})")
                                  << u"backends[0].type: must be"_s;
    QTest::addRow("missing url") << QByteArray(R"({"backends":[{"name":"a","type":"openai"}]})")
                                 << u"backends[0].url: is required"_s;
    QTest::addRow("bad url") << QByteArray(R"({"backends":[{"name":"a","type":"openai","url":"ftp://x"}]})")
                             << u"backends[0].url: must be an http:// or https:// URL"_s;
    QTest::addRow("duplicate name")
        << QByteArray(R"({"backends":[{"name":"a","type":"simulator"},{"name":"a","type":"simulator"}]})")
        << u"backends[1].name: \"a\" is used twice"_s;
    QTest::addRow("route to nowhere")
        << QByteArray(R"({"backends":[{"name":"a","type":"simulator"}],"routes":[{"model":"*","backend":"b"}]})")
        << u"routes[0].backend: no backend is named \"b\""_s;
    QTest::addRow("unset key variable")
        << QByteArray(
               R"({"backends":[{"name":"a","type":"openai","url":"http://x","api_key_env":"SWITCHBOARD_UNSET_VARIABLE"}]})")
        << u"backends[0].api_key_env: the environment variable SWITCHBOARD_UNSET_VARIABLE is not set"_s;
    QTest::addRow("bad timeout") << QByteArray(
                                        R"({"backends":[{"name":"a","type":"simulator","timeouts":{"idle_ms":-1}}]})")
                                 << u"backends[0].timeouts.idle_ms: must be a positive whole number"_s;
    QTest::addRow("unknown system message role")
        << QByteArray(R"({"backends":[{"name":"a","type":"openai","url":"http://x","system_messages":"top"}]})")
        << u"backends[0].system_messages: must be \"user\", \"system\" or \"developer\""_s;
    QTest::addRow("merge flag not a bool")
        << QByteArray(R"({"backends":[{"name":"a","type":"openai","url":"http://x","merge_consecutive_turns":1}]})")
        << u"backends[0].merge_consecutive_turns: must be true or false"_s;
}

void TestRouting::config_isRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto config = GatewayConfig::fromJson(json);
    QVERIFY(!config.ok());
    QVERIFY2(config.error().startsWith(message), qPrintable(config.error()));
}

namespace {

// Field by field, so a failure names what was lost on the way through toJson.
void compareConfigs(const GatewayConfig &actual, const GatewayConfig &expected)
{
    QCOMPARE(actual.backends.size(), expected.backends.size());
    for (size_t i = 0; i < expected.backends.size(); ++i) {
        const BackendConfig &a = actual.backends[i];
        const BackendConfig &e = expected.backends[i];
        QCOMPARE(a.name, e.name);
        QCOMPARE(a.kind, e.kind);
        QCOMPARE(a.url, e.url);
        QCOMPARE(a.apiKey, e.apiKey);
        QCOMPARE(a.headers.fields(), e.headers.fields());
        QCOMPARE(a.timeouts.connect, e.timeouts.connect);
        QCOMPARE(a.timeouts.firstByte, e.timeouts.firstByte);
        QCOMPARE(a.timeouts.idle, e.timeouts.idle);
        QCOMPARE(a.thinkingStyle, e.thinkingStyle);
        QCOMPARE(a.systemMessageRole, e.systemMessageRole);
        QCOMPARE(a.mergeConsecutiveTurns, e.mergeConsecutiveTurns);
        QCOMPARE(a.tokensPerSecond, e.tokensPerSecond);
        QCOMPARE(a.policy.maxConcurrent, e.policy.maxConcurrent);
        QCOMPARE(a.policy.maxQueued, e.policy.maxQueued);
        QCOMPARE(a.policy.retries, e.policy.retries);
        QCOMPARE(a.policy.maxRetryAfter, e.policy.maxRetryAfter);
        QCOMPARE(a.policy.breakerFailures, e.policy.breakerFailures);
        QCOMPARE(a.policy.breakerOpen, e.policy.breakerOpen);
    }
    QCOMPARE(actual.routes.size(), expected.routes.size());
    for (size_t i = 0; i < expected.routes.size(); ++i) {
        QCOMPARE(actual.routes[i].pattern, expected.routes[i].pattern);
        QCOMPARE(actual.routes[i].backend, expected.routes[i].backend);
        QCOMPARE(actual.routes[i].upstreamModel, expected.routes[i].upstreamModel);
    }
    QCOMPARE(actual.access.allowedHosts, expected.access.allowedHosts);
    QCOMPARE(actual.access.allowedOrigins, expected.access.allowedOrigins);
    QCOMPARE(actual.access.requireKeyForCredentialedBackends, expected.access.requireKeyForCredentialedBackends);
}

GatewayConfig everyField()
{
    GatewayConfig config;
    BackendConfig local;
    local.name = "local";
    local.kind = BackendConfig::Kind::OpenAi;
    local.url = QUrl(u"http://127.0.0.1:11434/v1"_s);
    local.apiKey = "sk-local-0123456789";
    local.headers.append("X-Team", "a \"quoted\" value");
    local.timeouts.connect = std::chrono::milliseconds(1500);
    local.timeouts.firstByte = std::chrono::milliseconds(90'000);
    local.thinkingStyle = ThinkingStyle::ReasoningEffort;
    local.systemMessageRole = SystemMessageRole::System;
    local.mergeConsecutiveTurns = true;
    local.policy.maxConcurrent = 4;
    local.policy.maxQueued = 0;
    local.policy.retries = 0;
    local.policy.maxRetryAfter = std::chrono::seconds(30);
    local.policy.breakerFailures = 5;
    local.policy.breakerOpen = std::chrono::milliseconds(2500);
    BackendConfig cloud;
    cloud.name = "cloud";
    cloud.kind = BackendConfig::Kind::Anthropic;
    cloud.url = QUrl(u"https://api.anthropic.com"_s);
    BackendConfig simulator;
    simulator.name = "sim ü";
    simulator.kind = BackendConfig::Kind::Simulator;
    simulator.tokensPerSecond = 12.5;
    config.backends = {local, cloud, simulator};
    config.routes = {{"claude-*", "cloud", {}}, {"llama", "local", "llama3.2:3b"}, {"*", "sim ü", {}}};
    config.access.allowedHosts = {"box.lan"};
    config.access.allowedOrigins = {"http://localhost:5173"};
    config.access.requireKeyForCredentialedBackends = false;
    return config;
}

} // namespace

void TestRouting::config_roundTripsThroughJson()
{
    const GatewayConfig original = everyField();
    const QByteArray json = original.toJson(GatewayConfig::Keys::Include);
    const auto parsed = GatewayConfig::fromJson(json);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error()));
    compareConfigs(*parsed, original);
    QCOMPARE(parsed->toJson(GatewayConfig::Keys::Include), json); // stable: saving twice changes nothing

    // Defaults are left out, and still come back as defaults.
    const GatewayConfig simulator = GatewayConfig::simulatorOnly();
    const auto plain = GatewayConfig::fromJson(simulator.toJson());
    QVERIFY(plain);
    compareConfigs(*plain, simulator);
    QCOMPARE(simulator.toJson(),
             QByteArray(R"({"backends":[{"name":"simulator","type":"simulator"}],"routes":[{"model":"*",)"
                        R"("backend":"simulator"}]})"));
}

void TestRouting::config_toJsonOmitsKeys()
{
    GatewayConfig config = everyField();
    config.access.apiKey = "sk-switchboard-own-key";
    const QByteArray json = config.toJson();
    QVERIFY(!json.contains("sk-local-0123456789"));
    QVERIFY(!json.contains("api_key"));
    QVERIFY(!json.contains("sk-switchboard-own-key"));
    const auto parsed = GatewayConfig::fromJson(json);
    QVERIFY(parsed);
    QVERIFY(parsed->backends[0].apiKey.isEmpty());
}

void TestRouting::router_firstMatchWins()
{
    const auto config = GatewayConfig::fromJson(R"({
        "backends": [{"name":"a","type":"simulator"},{"name":"b","type":"simulator"}],
        "routes": [{"model":"claude-*","backend":"a","upstream_model":"local-model"},
                   {"model":"claude-haiku","backend":"b"},
                   {"model":"gpt-4o","backend":"b"}]})");
    QVERIFY(config.ok());
    HttpClient client;
    const auto router = ModelRouter::fromConfig(*config, client);
    const auto claude = router->match("claude-haiku");
    QVERIFY(claude);
    QCOMPARE(claude->backend->name(), QByteArray("a"));
    QCOMPARE(claude->upstreamModel, QByteArray("local-model"));
    const auto gpt = router->match("gpt-4o");
    QCOMPARE(gpt->backend->name(), QByteArray("b"));
    QCOMPARE(gpt->upstreamModel, QByteArray("gpt-4o"));
    QVERIFY(!router->match("mistral"));
    QCOMPARE(router->namedModels(), std::vector<QByteArray>({"claude-haiku", "gpt-4o"}));
}

void TestRouting::paths_areCanonical_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("canonical");
    QTest::addRow("plain") << QByteArray("/v1/messages") << QByteArray("/v1/messages");
    QTest::addRow("doubled prefix") << QByteArray("/v1/v1/messages") << QByteArray("/v1/messages");
    QTest::addRow("trailing slash") << QByteArray("/v1/messages/") << QByteArray("/v1/messages");
    QTest::addRow("doubled models") << QByteArray("/v1/v1/models/a%2Fb") << QByteArray("/v1/models/a%2Fb");
    QTest::addRow("root") << QByteArray("/") << QByteArray("/");
}

void TestRouting::paths_areCanonical()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, canonical);
    QCOMPARE(ApiServer::canonicalPath(path), canonical);
}

void TestRouting::modelPage_selects_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArrayList>("ids");
    QTest::addColumn<bool>("hasMore");
    QTest::addRow("default") << QByteArray() << QByteArrayList{"m1", "m2", "m3", "m4", "m5"} << false;
    QTest::addRow("limit") << QByteArray("limit=2") << QByteArrayList{"m1", "m2"} << true;
    QTest::addRow("after") << QByteArray("limit=2&after_id=m2") << QByteArrayList{"m3", "m4"} << true;
    QTest::addRow("after, last page") << QByteArray("limit=2&after_id=m4") << QByteArrayList{"m5"} << false;
    QTest::addRow("before") << QByteArray("limit=2&before_id=m4") << QByteArrayList{"m2", "m3"} << true;
    QTest::addRow("before, first page") << QByteArray("limit=2&before_id=m2") << QByteArrayList{"m1"} << false;
    QTest::addRow("unknown cursor") << QByteArray("after_id=zz") << QByteArrayList{} << false;
}

void TestRouting::modelPage_selects()
{
    QFETCH(QByteArray, query);
    QFETCH(QByteArrayList, ids);
    QFETCH(bool, hasMore);
    std::vector<ModelInfo> models;
    for (const char *id : {"m1", "m2", "m3", "m4", "m5"}) {
        models.push_back(ModelInfo{id, id, "2026-01-01T00:00:00Z"});
    }
    HttpRequest request;
    request.query = query;
    const auto page = ModelPage::select(models, request);
    QVERIFY(page.ok());
    QByteArrayList actual;
    for (const auto &model : page->data) {
        actual.append(model.id);
    }
    QCOMPARE(actual, ids);
    QCOMPARE(page->hasMore, hasMore);
    const QJsonObject json = QJsonDocument::fromJson(page->toJson()).object();
    QCOMPARE(json[u"has_more"].toBool(), hasMore);
    if (ids.isEmpty()) {
        QVERIFY(json[u"first_id"].isNull());
    } else {
        QCOMPARE(json[u"first_id"].toString().toUtf8(), ids.first());
        QCOMPARE(json[u"last_id"].toString().toUtf8(), ids.last());
        QCOMPARE(json[u"data"][0][u"type"].toString(), u"model");
        QCOMPARE(json[u"data"][0][u"created_at"].toString(), u"2026-01-01T00:00:00Z");
    }
}

void TestRouting::modelPage_refusesBadLimits()
{
    HttpRequest request;
    for (const char *query : {"limit=0", "limit=1001", "limit=x"}) {
        request.query = query;
        const auto page = ModelPage::select({}, request);
        QVERIFY(!page.ok());
        QVERIFY(page.error().message.startsWith("limit: "));
    }
}

void TestRouting::estimator_splitsTextLosslessly_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("minimum");
    QTest::addColumn<int>("maximum");
    QTest::addRow("english") << QByteArray("The quick brown fox jumps over the lazy dog.") << 9 << 12;
    QTest::addRow("long words") << QByteArray("internationalization") << 3 << 5;
    QTest::addRow("digits") << QByteArray("31415926535") << 4 << 4;
    QTest::addRow("json") << QByteArray(R"({"type":"object","properties":{"city":{"type":"string"}}})") << 14 << 30;
    QTest::addRow("cjk") << QByteArray("\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c") << 4 << 4;
    QTest::addRow("accents") << QByteArray("caf\xc3\xa9 cr\xc3\xa8me") << 2 << 4;
    QTest::addRow("newlines") << QByteArray("a\n\n\nb") << 3 << 3;
    QTest::addRow("empty") << QByteArray() << 0 << 0;
}

void TestRouting::estimator_splitsTextLosslessly()
{
    QFETCH(QByteArray, text);
    QFETCH(int, minimum);
    QFETCH(int, maximum);
    const auto pieces = TokenEstimator::split(text);
    QByteArray joined;
    for (const auto piece : pieces) {
        QVERIFY(!piece.isEmpty());
        joined.append(piece.data(), piece.size());
    }
    QCOMPARE(joined, text);
    QVERIFY2(int(pieces.size()) >= minimum && int(pieces.size()) <= maximum,
             qPrintable(QStringLiteral("%1 pieces").arg(pieces.size())));
}

void TestRouting::estimator_countsWholeRequests()
{
    const auto small = RequestDecoder::decode(R"({"model":"m","messages":[{"role":"user","content":"Hello"}]})",
                                              RequestDecoder::Endpoint::CountTokens);
    const auto withTools = RequestDecoder::decode(R"({"model":"m","system":"Be brief.",
        "tools":[{"name":"get_weather","description":"Get the weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
        "messages":[{"role":"user","content":"Hello"},
          {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"get_weather","input":{"city":"Paris"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"18C and sunny"}]}]})",
                                                  RequestDecoder::Endpoint::CountTokens);
    QVERIFY(small.ok() && withTools.ok());
    const int smallCount = TokenEstimator::countRequest(*small);
    const int toolCount = TokenEstimator::countRequest(*withTools);
    QVERIFY(smallCount >= 5 && smallCount <= 12);
    // Tool definitions, calls and results count too (agents compact by these numbers).
    QVERIFY2(toolCount > smallCount + 30, qPrintable(QString::number(toolCount)));
}

QTEST_GUILESS_MAIN(TestRouting)
#include "tst_routing.moc"
