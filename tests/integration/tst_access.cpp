// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "fakebackend.h"
#include "rawclient.h"
#include "security/apikeystore.h"
#include "security/constanttime.h"
#include "testgateway.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// Who may talk to Switchboard (security-reliability.md S2-S4): DNS rebinding, CORS and CSRF from
// browsers, and the API key. Every refusal happens on the request head, with no backend call.
class TestAccess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void host_isChecked_data();
    void host_isChecked();
    void absoluteFormAuthority_winsOverHost_data();
    void absoluteFormAuthority_winsOverHost();
    void origin_isDeniedByDefault_data();
    void origin_isDeniedByDefault();
    void allowedOrigin_getsExactCorsAnswers();
    void simplePosts_areRefused_data();
    void simplePosts_areRefused();
    void requiredKey_isCheckedOnEveryRoute_data();
    void requiredKey_isCheckedOnEveryRoute();
    void refusal_doesNotWaitForTheBody();
    void keys_compareByContentAndLength_data();
    void keys_compareByContentAndLength();
    void keys_compareReadsPastTheFirstDifference_data();
    void keys_compareReadsPastTheFirstDifference();
    void keyStore_createsAPrivateKeyOnce();

private:
    ApiReply request(const QByteArray &method, const QByteArray &path,
                     const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body = {});

    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<TestGateway> m_gateway;
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

const QByteArray Body = R"({"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";

// Two secrets of two pages each whose second pages are unreadable until first read: a read there
// faults, the handler counts it and opens the page, and the read is retried. A comparison that
// stops at the first difference (in the first page) never touches them. Timing would be a race;
// this is the structure that makes the time independent of where the difference is.
class GuardedSecrets
{
public:
    GuardedSecrets()
    {
        s_self = this;
        for (char *&secret : m_secrets) {
            secret = static_cast<char *>(
                mmap(nullptr, 2 * pageSize(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
            std::fill(secret, secret + 2 * pageSize(), 'k');
        }
        struct sigaction action = {};
        action.sa_sigaction = &GuardedSecrets::onFault;
        action.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &action, &m_previous);
    }
    ~GuardedSecrets()
    {
        sigaction(SIGSEGV, &m_previous, nullptr);
        for (char *secret : m_secrets) {
            munmap(secret, 2 * pageSize());
        }
        s_self = nullptr;
    }
    static size_t pageSize() { return size_t(sysconf(_SC_PAGESIZE)); }
    QByteArrayView view(int which) const { return {m_secrets[which], qsizetype(2 * pageSize())}; }
    char *data(int which) { return m_secrets[which]; }
    void guardSecondPages()
    {
        m_faults = 0;
        for (char *secret : m_secrets) {
            mprotect(secret + pageSize(), pageSize(), PROT_NONE);
        }
    }
    int secondPagesRead() const { return m_faults; }

private:
    static void onFault(int, siginfo_t *info, void *)
    {
        const auto *address = static_cast<const char *>(info->si_addr);
        for (char *secret : s_self->m_secrets) {
            char *guarded = secret + pageSize();
            if (address >= guarded && address < guarded + pageSize()) {
                mprotect(guarded, pageSize(), PROT_READ | PROT_WRITE);
                s_self->m_faults = s_self->m_faults + 1;
                return;
            }
        }
        sigaction(SIGSEGV, &s_self->m_previous, nullptr); // a real crash: let it crash
    }

    static inline GuardedSecrets *s_self = nullptr;
    char *m_secrets[2] = {};
    struct sigaction m_previous = {};
    volatile sig_atomic_t m_faults = 0;
};

} // namespace

void TestAccess::init()
{
    m_backend = std::make_unique<FakeBackend>();
    QVERIFY(m_backend->start() != 0);
    m_backend->on("/v1/chat/completions",
                  FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.access.allowedHosts = {"switchboard.lan"};
    config.access.allowedOrigins = {"http://localhost:5173"};
    m_gateway = std::make_unique<TestGateway>(config);
}

void TestAccess::cleanup()
{
    m_gateway.reset();
    m_backend.reset();
}

// Sends exactly these headers (QNetworkAccessManager would add its own Host).
ApiReply TestAccess::request(const QByteArray &method, const QByteArray &path, const Headers &headers,
                             const QByteArray &body)
{
    RawClient client(quint16(m_gateway->url.port()));
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\n";
    for (const auto &[name, value] : headers) {
        raw += name + ": " + value + "\r\n";
    }
    raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    client.send(raw);
    client.waitForClose();
    ApiReply reply;
    const QByteArray &received = client.received();
    const qsizetype split = received.indexOf("\r\n\r\n");
    reply.status = received.mid(9, 3).toInt();
    for (const QByteArray &line : received.left(split).split('\n').mid(1)) {
        const qsizetype colon = line.indexOf(':');
        reply.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    reply.body = received.mid(split + 4);
    return reply;
}

void TestAccess::host_isChecked_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");
    QTest::addRow("attacker name (rebinding)") << QByteArray("evil.test") << 403;
    QTest::addRow(".local suffix") << QByteArray("a.local") << 403;
    QTest::addRow(".internal suffix") << QByteArray("x.internal") << 403;
    QTest::addRow("localhost") << QByteArray("localhost") << 200;
    QTest::addRow("localhost, upper case") << QByteArray("LOCALHOST") << 200;
    QTest::addRow("127.0.0.1") << QByteArray("127.0.0.1") << 200;
    QTest::addRow("[::1]") << QByteArray("[::1]") << 200;
    QTest::addRow("configured name") << QByteArray("switchboard.lan") << 200;
    QTest::addRow("empty") << QByteArray("") << 403;
}

void TestAccess::host_isChecked()
{
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    const QByteArray port = ':' + QByteArray::number(m_gateway->url.port());
    const ApiReply withPort = request("GET", "/v1/models", {{"Host", host + port}});
    QCOMPARE(withPort.status, status);
    if (status == 403) {
        QCOMPARE(withPort.json()[u"error"][u"type"].toString(), u"permission_error");
        QVERIFY(withPort.header("request-id").startsWith("req_"));
        QCOMPARE(m_backend->requests().size(), 0);
    }
    if (!host.isEmpty()) {
        QCOMPARE(request("GET", "/v1/models", {{"Host", host}}).status, status); // without a port
    }
    if (status == 200) {
        QCOMPARE(request("GET", "/v1/models", {{"Host", host + ":1"}}).status, 403); // another port
    }
}

void TestAccess::absoluteFormAuthority_winsOverHost_data()
{
    // RFC 9112 §3.2.2: with an absolute-form target, its authority names the server, not Host.
    QTest::addColumn<QByteArray>("authority");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<int>("status");
    QTest::addRow("allowed authority, allowed Host") << QByteArray("127.0.0.1:%p") << QByteArray("127.0.0.1:%p") << 200;
    QTest::addRow("allowed authority, no port") << QByteArray("localhost") << QByteArray("localhost") << 200;
    QTest::addRow("configured authority, foreign Host")
        << QByteArray("switchboard.lan:%p") << QByteArray("evil.example") << 200;
    QTest::addRow("foreign authority, allowed Host") << QByteArray("evil.example") << QByteArray("127.0.0.1:%p") << 403;
    QTest::addRow("foreign authority in upper case") << QByteArray("EVIL.example:%p") << QByteArray("localhost") << 403;
    QTest::addRow("allowed name, another port") << QByteArray("localhost:1") << QByteArray("localhost") << 403;
    QTest::addRow("user info before an allowed name") << QByteArray("a@localhost") << QByteArray("localhost") << 403;
    QTest::addRow("empty authority") << QByteArray("") << QByteArray("localhost") << 403;
    QTest::addRow("foreign Host, origin-form") << QByteArray() << QByteArray("evil.example") << 403;
}

void TestAccess::absoluteFormAuthority_winsOverHost()
{
    QFETCH(QByteArray, authority);
    QFETCH(QByteArray, host);
    QFETCH(int, status);
    const QByteArray port = QByteArray::number(m_gateway->url.port());
    authority.replace("%p", port);
    host.replace("%p", port);
    const QByteArray target = authority.isNull() ? QByteArray("/v1/messages") : "http://" + authority + "/v1/messages";
    const ApiReply reply = request(
        "POST", target, {{"Host", host}, {"Content-Type", "application/json"}, {"x-api-key", SwitchboardKey}}, Body);
    QVERIFY2(reply.status == status, reply.body.constData());
    if (status == 403) {
        QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"permission_error");
        QCOMPARE(m_backend->requests().size(), 0);
    } else {
        QCOMPARE(m_backend->requests().size(), 1);
    }
}

void TestAccess::origin_isDeniedByDefault_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<Headers>("headers");
    QTest::addRow("preflight from a foreign origin")
        << QByteArray("OPTIONS") << Headers{{"Origin", "https://evil.test"}, {"Access-Control-Request-Method", "POST"}};
    QTest::addRow("preflight from a null origin")
        << QByteArray("OPTIONS") << Headers{{"Origin", "null"}, {"Access-Control-Request-Method", "POST"}};
    QTest::addRow("request from a foreign origin")
        << QByteArray("POST") << Headers{{"Origin", "https://evil.test"}, {"Content-Type", "application/json"}};
    QTest::addRow("a valid key does not make a foreign origin welcome") << QByteArray("POST")
                                                                        << Headers{{"Origin", "http://localhost:5174"},
                                                                                   {"Content-Type", "application/json"},
                                                                                   {"x-api-key", SwitchboardKey}};
}

void TestAccess::origin_isDeniedByDefault()
{
    QFETCH(QByteArray, method);
    QFETCH(Headers, headers);
    headers.prepend({"Host", "localhost"});
    const ApiReply reply = request(method, "/v1/messages", headers, method == "POST" ? Body : QByteArray());
    QCOMPARE(reply.status, 403);
    QVERIFY(reply.header("access-control-allow-origin").isEmpty()); // never reflected, never *
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"permission_error");
    QCOMPARE(m_backend->requests().size(), 0);
}

void TestAccess::allowedOrigin_getsExactCorsAnswers()
{
    const ApiReply preflight =
        request("OPTIONS", "/v1/messages",
                {{"Host", "localhost"},
                 {"Origin", "http://localhost:5173"},
                 {"Access-Control-Request-Method", "POST"},
                 {"Access-Control-Request-Headers", "content-type,x-api-key,anthropic-version"}});
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.header("access-control-allow-origin"), QByteArray("http://localhost:5173"));
    QCOMPARE(preflight.header("vary"), QByteArray("Origin"));
    QVERIFY(preflight.header("access-control-allow-methods").contains("POST"));
    QVERIFY(preflight.header("access-control-allow-headers").contains("x-api-key"));
    QVERIFY(preflight.header("access-control-allow-credentials").isEmpty());

    const ApiReply actual = request(
        "POST", "/v1/messages",
        {{"Host", "localhost"}, {"Origin", "http://localhost:5173"}, {"Content-Type", "application/json"}}, Body);
    QCOMPARE(actual.status, 200);
    QCOMPARE(actual.header("access-control-allow-origin"), QByteArray("http://localhost:5173"));
    QVERIFY(actual.header("access-control-expose-headers").contains("request-id"));
}

void TestAccess::simplePosts_areRefused_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addRow("text/plain") << QByteArray("text/plain;charset=UTF-8");
    QTest::addRow("form") << QByteArray("application/x-www-form-urlencoded");
    QTest::addRow("multipart") << QByteArray("multipart/form-data; boundary=x");
}

void TestAccess::simplePosts_areRefused()
{
    QFETCH(QByteArray, contentType);
    const ApiReply reply =
        request("POST", "/v1/messages", {{"Host", "localhost"}, {"Content-Type", contentType}}, Body);
    QCOMPARE(reply.status, 415);
    QCOMPARE(reply.json()[u"error"][u"type"].toString(), u"invalid_request_error");
    QCOMPARE(m_backend->requests().size(), 0);
}

void TestAccess::requiredKey_isCheckedOnEveryRoute_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addRow("messages") << QByteArray("POST") << QByteArray("/v1/messages");
    QTest::addRow("count_tokens") << QByteArray("POST") << QByteArray("/v1/messages/count_tokens");
    QTest::addRow("models") << QByteArray("GET") << QByteArray("/v1/models");
    QTest::addRow("a model") << QByteArray("GET") << QByteArray("/v1/models/m");
    QTest::addRow("an unknown path") << QByteArray("GET") << QByteArray("/v1/secret");
}

void TestAccess::requiredKey_isCheckedOnEveryRoute()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    Core::GatewayConfig config = TestGateway::openAi(m_backend->baseUrl());
    config.access.requireKey = true; // as when listening beyond loopback
    TestGateway gateway(config);
    ApiClient client(gateway.url);
    const QByteArray body = method == "POST" ? Body : QByteArray();
    const Headers json{{"Content-Type", "application/json"}};
    for (const Headers &credentials : {Headers{}, Headers{{"x-api-key", "wrong"}},
                                       Headers{{"Authorization", "Bearer " + SwitchboardKey.chopped(1)}}}) {
        const ApiReply refused = client.send(method, path, body, json + credentials);
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.json()[u"type"].toString(), u"error");
        QCOMPARE(refused.json()[u"error"][u"type"].toString(), u"authentication_error");
    }
    QCOMPARE(m_backend->requests().size(), 0);
    for (const Headers &credentials :
         {Headers{{"x-api-key", SwitchboardKey}}, Headers{{"Authorization", "Bearer " + SwitchboardKey}}}) {
        const ApiReply accepted = client.send(method, path, body, json + credentials);
        QVERIFY2(accepted.status != 401, accepted.body.constData());
    }
}

void TestAccess::refusal_doesNotWaitForTheBody()
{
    // A rebinding page that announces a large body is answered from the head alone.
    RawClient client(quint16(m_gateway->url.port()));
    client.send("POST /v1/messages HTTP/1.1\r\nHost: evil.test\r\nContent-Type: application/json\r\n"
                "Content-Length: 30000000\r\n\r\n{\"model\":");
    QVERIFY(client.waitForClose(3000));
    QVERIFY(client.received().startsWith("HTTP/1.1 403"));
}

void TestAccess::keys_compareByContentAndLength_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    QTest::addRow("same") << QByteArray("sk-sb-abc") << QByteArray("sk-sb-abc") << true;
    QTest::addRow("last byte") << QByteArray("sk-sb-abc") << QByteArray("sk-sb-abd") << false;
    QTest::addRow("prefix") << QByteArray("sk-sb-abc") << QByteArray("sk-sb-ab") << false;
    QTest::addRow("longer") << QByteArray("sk-sb-ab") << QByteArray("sk-sb-abc") << false;
    QTest::addRow("empty") << QByteArray() << QByteArray("x") << false;
}

void TestAccess::keys_compareByContentAndLength()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(Core::constantTimeEquals(a, b), equal);
}

void TestAccess::keys_compareReadsPastTheFirstDifference_data()
{
    QTest::addColumn<int>("firstDifference"); // in the first page
    QTest::addColumn<bool>("equal");
    QTest::addRow("first byte") << 0 << false;
    QTest::addRow("middle of the page") << int(GuardedSecrets::pageSize() / 2) << false;
    QTest::addRow("last byte of the page") << int(GuardedSecrets::pageSize() - 1) << false;
    QTest::addRow("none") << -1 << true;
}

void TestAccess::keys_compareReadsPastTheFirstDifference()
{
    QFETCH(int, firstDifference);
    QFETCH(bool, equal);
    GuardedSecrets secrets;
    if (firstDifference >= 0) {
        secrets.data(1)[firstDifference] = 'x';
    }
    secrets.guardSecondPages();
    const bool result = Core::constantTimeEquals(secrets.view(0), secrets.view(1));
    QCOMPARE(result, equal);
    QCOMPARE(secrets.secondPagesRead(), 2); // both secrets read to the end, wherever they differed
}

void TestAccess::keyStore_createsAPrivateKeyOnce()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(u"nested/api-key"_s);
    const auto first = Core::ApiKeyStore::loadOrCreate(path);
    QVERIFY(first.ok());
    QVERIFY(first->created);
    QVERIFY(first->value.startsWith("sk-sb-"));
    QCOMPARE(first->value.size(), 46);
    QCOMPARE(QFileInfo(path).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther), 0);
    const auto second = Core::ApiKeyStore::loadOrCreate(path);
    QVERIFY(!second->created);
    QCOMPARE(second->value, first->value);
    QVERIFY(Core::ApiKeyStore::generate() != Core::ApiKeyStore::generate());
}

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
