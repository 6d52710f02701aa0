// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "rawclient.h"

#include <QtCore/QFile>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// The headless command line is a contract that scripts and CI depend on: exactly one
// "Listening on http://ADDR:PORT" line on stdout, clean exit 0 on SIGINT/SIGTERM, exit 2 on bad
// options, and the same flags as the window.
class TestHeadless final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void portZero_printsTheRealPortOnceAndServes();
    void signal_endsCleanlyWithZero_data();
    void signal_endsCleanlyWithZero();
    void signal_duringStreams_drainsThenEndsThem_data();
    void signal_duringStreams_drainsThenEndsThem();
    void openAiUrl_sendsEveryModelThere();
    void configFile_routesModels();
    void savedSettings_areServedUnlessTheCommandLineNamesBackends();
    void badOptions_exitWithTwo_data();
    void badOptions_exitWithTwo();
    void portInUse_isAClearError();
    void beyondLoopback_requiresAGeneratedKey();
    void canarySecrets_neverReachTheLogs();

private:
    // Starts the binary and waits for its Listening line; returns the base URL.
    QUrl start(const QStringList &arguments, const QProcessEnvironment &environment = {}, bool headless = true);

    std::unique_ptr<QProcess> m_process;
    QTemporaryDir m_configHome;
};

namespace {

QString binary()
{
    return qEnvironmentVariable("SWITCHBOARD_BIN");
}

} // namespace

void TestHeadless::cleanup()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

QUrl TestHeadless::start(const QStringList &arguments, const QProcessEnvironment &environment, bool headless)
{
    m_process = std::make_unique<QProcess>();
    // Backends saved from the user's own window would answer instead of the simulator: the settings
    // come from an empty config directory unless a test sets one.
    QProcessEnvironment processEnvironment =
        environment.isEmpty() ? QProcessEnvironment::systemEnvironment() : environment;
    if (!processEnvironment.contains(u"XDG_CONFIG_HOME"_s)) {
        processEnvironment.insert(u"XDG_CONFIG_HOME"_s, m_configHome.path());
    }
    // The window keeps conversations in the data directory: never the user's own.
    if (!processEnvironment.contains(u"XDG_DATA_HOME"_s)) {
        processEnvironment.insert(u"XDG_DATA_HOME"_s, m_configHome.filePath(u"data"_s));
    }
    m_process->setProcessEnvironment(processEnvironment);
    m_process->start(binary(), headless ? QStringList{u"--headless"_s} + arguments : arguments);
    if (!m_process->waitForStarted(5000)) {
        return {};
    }
    QByteArray out;
    const bool ready = QTest::qWaitFor(
        [&] {
            out += m_process->readAllStandardOutput();
            return out.contains('\n') || m_process->state() == QProcess::NotRunning;
        },
        10'000);
    if (!ready) {
        return {};
    }
    // Exactly one line: "Listening on http://ADDR:PORT".
    const auto match = QRegularExpression(u"^Listening on http://([0-9.]+):(\\d+)\\n$"_s).match(QString::fromUtf8(out));
    if (!match.hasMatch()) {
        qWarning("unexpected stdout: %s / stderr: %s", out.constData(), m_process->readAllStandardError().constData());
        return {};
    }
    return QUrl(u"http://127.0.0.1:"_s + match.captured(2));
}

void TestHeadless::portZero_printsTheRealPortOnceAndServes()
{
    const QUrl url = start({u"--port"_s, u"0"_s});
    QVERIFY(url.isValid());
    QVERIFY(url.port() > 0);
    ApiClient client(url);
    const ApiReply reply = client.post("/v1/messages", R"({"model":"llama-3.3-70b","max_tokens":1024,
        "messages":[{"role":"user","content":"Say exactly: hello from the simulator"}]})");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()[u"content"][0][u"text"].toString(), u"hello from the simulator");
    // Nothing else ever goes to stdout.
    QVERIFY(m_process->readAllStandardOutput().isEmpty());
    // One access-log line per request goes to stderr instead.
    QByteArray log;
    QTRY_VERIFY2((log += m_process->readAllStandardError()).contains("POST /v1/messages 200"), log.constData());
}

void TestHeadless::signal_endsCleanlyWithZero_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::addRow("SIGTERM") << int(SIGTERM);
    QTest::addRow("SIGINT") << int(SIGINT);
}

void TestHeadless::signal_endsCleanlyWithZero()
{
    QFETCH(int, signalNumber);
    QVERIFY(start({u"--port"_s, u"0"_s, u"--quiet"_s}).isValid());
    ::kill(pid_t(m_process->processId()), signalNumber);
    QVERIFY(m_process->waitForFinished(10'000));
    QCOMPARE(m_process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_process->exitCode(), 0);
}

void TestHeadless::signal_duringStreams_drainsThenEndsThem_data()
{
    QTest::addColumn<bool>("headless");
    QTest::addRow("headless") << true;
    QTest::addRow("window") << false; // the window's server thread drains the same way
}

void TestHeadless::signal_duringStreams_drainsThenEndsThem()
{
    QFETCH(bool, headless);
    FakeBackend backend;
    QVERIFY(backend.start() != 0);
    FakeResponse endless; // a long generation, one token every 50 ms
    endless.headers = {{"Content-Type", "text/event-stream"}};
    for (int i = 0; i < 2000; ++i) {
        endless.chunks.append(R"(data: {"choices":[{"index":0,"delta":{"content":"t "}}]})"
                              "\n\n");
    }
    endless.interval = std::chrono::milliseconds(50);
    backend.on("/v1/chat/completions", endless);
    const QUrl url = start({u"--port"_s, u"0"_s, u"--quiet"_s, u"--drain-timeout"_s, u"0.5"_s, u"--openai-url"_s,
                            QString::fromUtf8(backend.baseUrl() + "/v1")},
                           {}, headless);
    QVERIFY(url.isValid());
    const QByteArray body =
        R"({"model":"m","max_tokens":4096,"stream":true,"messages":[{"role":"user","content":"hi"}]})";
    RawClient client(quint16(url.port()));
    client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QVERIFY(client.waitFor("event: content_block_delta"));

    ::kill(pid_t(m_process->processId()), SIGTERM);
    // The stream runs on until the drain deadline, then ends with an error event, not a cut.
    QVERIFY(client.waitFor("Switchboard is shutting down", 5000));
    QVERIFY(!client.received().contains("message_stop"));
    QTRY_COMPARE_WITH_TIMEOUT(m_process->state(), QProcess::NotRunning, 5000);
    QCOMPARE(m_process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_process->exitCode(), 0);
    // And the backend's generation was stopped, not orphaned.
    QTRY_COMPARE(backend.abortedByClient(), 1);
}

void TestHeadless::openAiUrl_sendsEveryModelThere()
{
    FakeBackend backend;
    QVERIFY(backend.start() != 0);
    backend.on("/v1/chat/completions",
               FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"TEST_BACKEND_KEY"_s, u"sk-from-env"_s);
    environment.insert(u"TEST_SWITCHBOARD_KEY"_s, u"sk-sb-own"_s);
    const QUrl url =
        start({u"--port"_s, u"0"_s, u"--openai-url"_s, QString::fromUtf8(backend.baseUrl() + "/v1"),
               u"--openai-key-env"_s, u"TEST_BACKEND_KEY"_s, u"--api-key-env"_s, u"TEST_SWITCHBOARD_KEY"_s},
              environment);
    QVERIFY(url.isValid());
    ApiClient client(url);
    const QByteArray body = R"({"model":"qwen2.5:7b","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    QCOMPARE(client.post("/v1/messages", body).status, 401);
    const ApiReply reply = client.post("/v1/messages", body, {{"authorization", "Bearer sk-sb-own"}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()[u"content"][0][u"text"].toString(), u" well need had had.");
    QCOMPARE(backend.lastRequest().header("authorization"), QByteArray("Bearer sk-from-env"));
    QVERIFY(backend.lastRequest().body.contains("\"model\":\"qwen2.5:7b\""));
}

void TestHeadless::configFile_routesModels()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    QFile config(directory.filePath(u"switchboard.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"backends":[{"name":"sim","type":"simulator","tokens_per_second":0}],
                     "routes":[{"model":"claude-*","backend":"sim"}]})");
    config.close();
    const QUrl url = start({u"--port"_s, u"0"_s, u"--config"_s, config.fileName()});
    QVERIFY(url.isValid());
    ApiClient client(url);
    QCOMPARE(
        client
            .post("/v1/messages", R"({"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})")
            .status,
        200);
    QCOMPARE(
        client.post("/v1/messages", R"({"model":"gpt-4o","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})")
            .status,
        404);
}

// What the window saves (gateway/config without keys, the key in the settings file for want of a
// keychain) is what headless mode serves from the same --data-dir.
void TestHeadless::savedSettings_areServedUnlessTheCommandLineNamesBackends()
{
    FakeBackend backend;
    backend.start();
    backend.on("/v1/chat/completions",
               FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    {
        QSettings settings(directory.filePath(u"settings.ini"_s), QSettings::IniFormat);
        settings.setValue(u"gateway/config"_s,
                          QString::fromUtf8(R"({"backends":[{"name":"saved","type":"openai","url":")" +
                                            backend.baseUrl() +
                                            R"(/v1"}],"routes":[{"model":"local-*","backend":"saved",)"
                                            R"("upstream_model":"upstream-model"}]})"));
        settings.setValue(u"secrets/saved"_s, QString::fromLatin1(QByteArray("sk-saved-key-0123456789").toBase64()));
    }
    const QByteArray body = R"({"model":"local-x","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";

    QUrl url = start({u"--port"_s, u"0"_s, u"--data-dir"_s, directory.path()});
    QVERIFY(url.isValid());
    // The backend holds a key, so Switchboard generated its own for clients (kept in --data-dir).
    QFile apiKey(directory.filePath(u"api-key"_s));
    QVERIFY(apiKey.open(QIODevice::ReadOnly));
    const QByteArray key = apiKey.readAll().trimmed();
    ApiClient client(url);
    QCOMPARE(client.post("/v1/messages", body, {{"x-api-key", key}}).status, 200);
    QCOMPARE(backend.requests().size(), 1);
    QCOMPARE(backend.lastRequest().header("authorization"), QByteArray("Bearer sk-saved-key-0123456789"));
    QVERIFY(backend.lastRequest().body.contains(R"("model":"upstream-model")"));
    cleanup();

    // --config wins over the saved backends.
    QFile config(directory.filePath(u"switchboard.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"backends":[{"name":"sim","type":"simulator","tokens_per_second":0}]})");
    config.close();
    url = start({u"--port"_s, u"0"_s, u"--data-dir"_s, directory.path(), u"--config"_s, config.fileName()});
    QVERIFY(url.isValid());
    QCOMPARE(ApiClient(url).post("/v1/messages", body).status, 200);
    QCOMPARE(backend.requests().size(), 1);
}

void TestHeadless::badOptions_exitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown option") << QStringList{u"--frobnicate"_s} << u"Unknown option"_s;
    QTest::addRow("bad port") << QStringList{u"--port"_s, u"99999"_s} << u"--port"_s;
    QTest::addRow("bad drain timeout") << QStringList{u"--drain-timeout"_s, u"soon"_s} << u"--drain-timeout"_s;
    QTest::addRow("bad host") << QStringList{u"--host"_s, u"not-an-address"_s} << u"--host"_s;
    QTest::addRow("both backends") << QStringList{u"--openai-url"_s, u"http://a"_s, u"--anthropic-url"_s, u"http://b"_s}
                                   << u"give one of them"_s;
    QTest::addRow("missing config") << QStringList{u"--config"_s, u"/nonexistent/switchboard.json"_s}
                                    << u"cannot read"_s;
    QTest::addRow("unset key variable") << QStringList{u"--openai-url"_s, u"http://127.0.0.1:1/v1"_s,
                                                       u"--openai-key-env"_s, u"SWITCHBOARD_SURELY_UNSET"_s}
                                        << u"SWITCHBOARD_SURELY_UNSET is not set"_s;
    QTest::addRow("bad url") << QStringList{u"--openai-url"_s, u"localhost:11434"_s} << u"is not an http://"_s;
}

void TestHeadless::badOptions_exitWithTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QProcess process;
    process.start(binary(), QStringList{u"--headless"_s} + arguments);
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void TestHeadless::portInUse_isAClearError()
{
    const QUrl first = start({u"--port"_s, u"0"_s, u"--quiet"_s});
    QVERIFY(first.isValid());
    QProcess second;
    second.start(binary(), {u"--headless"_s, u"--port"_s, QString::number(first.port())});
    QVERIFY(second.waitForFinished(10'000));
    QCOMPARE(second.exitCode(), 1);
    const QByteArray expected = "cannot listen on 127.0.0.1:" + QByteArray::number(first.port());
    QVERIFY(second.readAllStandardError().contains(expected));
}

void TestHeadless::beyondLoopback_requiresAGeneratedKey()
{
    QTemporaryDir home;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"HOME"_s, home.path());
    environment.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
    const QUrl url = start({u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s}, environment);
    QVERIFY(url.isValid());
    QByteArray log;
    QTRY_VERIFY((log += m_process->readAllStandardError()).contains("(kept in"));
    QVERIFY2(log.contains("Switchboard generated an API key because it listens beyond this machine"), log.constData());
    const auto key = QRegularExpression(u"(sk-sb-[A-Za-z0-9]{40})"_s).match(QString::fromUtf8(log)).captured(1);
    QVERIFY(!key.isEmpty());
    QVERIFY(QFile::exists(home.filePath(u"data/Switchboard/switchboard/api-key"_s)));

    ApiClient client(url);
    const QByteArray body = R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":"Say exactly: ok"}]})";
    const ApiReply refused = client.post("/v1/messages", body, {{"x-api-key", "fake"}});
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"error"][u"type"].toString(), u"authentication_error");
    QCOMPARE(client.post("/v1/messages", body, {{"x-api-key", key.toUtf8()}}).status, 200);
}

void TestHeadless::canarySecrets_neverReachTheLogs()
{
    // Secrets in every shape and place they travel: a backend key of no known shape (only known
    // because it is configured), Switchboard's own key, client keys in headers and in URLs, and a
    // backend that echoes the key it was given in its error message.
    const QByteArray backendKey = "canary-backend-secret-of-no-known-shape";
    const QByteArray ownKey = "sk-sb-CANARYOWNKEY0123456789abcdef";
    const QByteArray clientKey = "sk-ant-api03-CANARYCLIENTKEY0123456789";
    FakeBackend backend;
    QVERIFY(backend.start() != 0);
    backend.on("/v1/chat/completions", [](const CapturedRequest &request) {
        return FakeResponse::json(R"({"error":{"message":"Incorrect API key provided: )" +
                                      request.header("authorization") + R"(","type":"invalid_request_error"}})",
                                  401);
    });
    backend.on("/v1/messages", [](const CapturedRequest &request) {
        return FakeResponse::json(
            R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key )" +
                request.header("x-api-key") + R"("}})",
            401);
    });
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    QFile config(directory.filePath(u"switchboard.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"backends":[
        {"name":"local","type":"openai","url":")" +
                 backend.baseUrl() + R"(/v1","api_key_env":"CANARY_BACKEND_KEY"},
        {"name":"pass","type":"anthropic","url":")" +
                 backend.baseUrl() + R"("}],
        "routes":[{"model":"claude-*","backend":"pass"},{"model":"*","backend":"local"}],
        "server":{"api_key_env":"CANARY_OWN_KEY"}})");
    config.close();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"CANARY_BACKEND_KEY"_s, QString::fromUtf8(backendKey));
    environment.insert(u"CANARY_OWN_KEY"_s, QString::fromUtf8(ownKey));
    environment.insert(u"QT_LOGGING_RULES"_s, u"switchboard.*=true"_s); // every category, debug included
    const QUrl url = start({u"--port"_s, u"0"_s, u"--config"_s, config.fileName()}, environment);
    QVERIFY(url.isValid());
    const auto port = quint16(url.port());
    const QByteArray body = R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    const QByteArray passBody = R"({"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    auto send = [&](const QByteArray &method, const QByteArray &target, const QByteArray &headers,
                    const QByteArray &payload) {
        RawClient client(port);
        client.send(method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    headers + "Content-Length: " + QByteArray::number(payload.size()) +
                    "\r\nConnection: close\r\n\r\n" + payload);
        client.waitForClose();
        return client.received();
    };
    const QByteArray withOwnKey = "Authorization: Bearer " + ownKey + "\r\n";

    // The backend echoes its key: the client sees the error, never the key.
    const QByteArray echoed = send("POST", "/v1/messages?key=" + clientKey, withOwnKey, body);
    QVERIFY2(echoed.contains("Incorrect API key provided: Bearer [redacted]"), echoed.constData());
    // A pass-through route with a client key besides Switchboard's.
    const QByteArray passed = send("POST", "/v1/messages", withOwnKey + "x-api-key: " + clientKey + "\r\n", passBody);
    QVERIFY2(passed.contains("authentication_error"), passed.constData());
    // Keys in URLs.
    QVERIFY(send("GET", "/v1/models?api_key=" + clientKey, withOwnKey, {}).contains(" 200 OK"));
    QVERIFY(send("GET", "/v1/models/" + clientKey, withOwnKey, {}).startsWith("HTTP/1.1 "));
    // A malformed request that carries a key, and a wrong key.
    send("POST", "/v1/messages", "x-api-key " + clientKey + "\r\n", body);
    QVERIFY(send("POST", "/v1/messages", "x-api-key: " + ownKey + "x\r\n", body).contains(" 401 "));

    ::kill(pid_t(m_process->processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(m_process->state(), QProcess::NotRunning, 10'000);
    const QByteArray log = m_process->readAllStandardError();
    QVERIFY2(log.contains("POST /v1/messages?key=[redacted]"), log.constData()); // the log is there
    for (const QByteArray &secret : {backendKey, ownKey, clientKey, QByteArray("CANARY")}) {
        QVERIFY2(!log.contains(secret), log.constData());
    }
    QVERIFY(!echoed.contains(backendKey));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
