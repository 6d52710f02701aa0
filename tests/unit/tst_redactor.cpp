// SPDX-License-Identifier: MIT
#include "security/redactor.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;

// Secrets must not reach logs, the inspector or quoted error messages, in any of the places they
// travel: headers, URLs, JSON bodies and free text.
class TestRedactor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_masksSecrets_data();
    void text_masksSecrets();
    void text_leavesOrdinaryTextAlone_data();
    void text_leavesOrdinaryTextAlone();
    void headers_maskCredentialsByName_data();
    void headers_maskCredentialsByName();
    void registeredSecret_isMaskedWhateverItsShape();
    void shortRegisteredSecret_isIgnored();
    void escapeControls_makesOneHarmlessLine();
};

void TestRedactor::text_masksSecrets_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("anthropic key") << QByteArray("key sk-ant-api03-AbCdEf0123456789_xyz-QQ end")
                                   << QByteArray("key sk-ant-[redacted] end");
    QTest::addRow("openai project key") << QByteArray("Incorrect API key provided: sk-proj-abcdefghijklmnop1234.")
                                        << QByteArray("Incorrect API key provided: sk-proj-[redacted].");
    QTest::addRow("switchboard key") << QByteArray("sk-sb-0123456789abcdef0123456789abcdef01234567")
                                     << QByteArray("sk-sb-[redacted]");
    QTest::addRow("aws key id") << QByteArray("AKIAIOSFODNN7EXAMPLE") << QByteArray("AKIA[redacted]");
    QTest::addRow("google key") << QByteArray("AIzaSyA-1234567890abcdefghijklmnopqrstu")
                                << QByteArray("AIza[redacted]");
    QTest::addRow("github token") << QByteArray("ghp_0123456789abcdefghijABCDEFGHIJ012345")
                                  << QByteArray("ghp_[redacted]");
    QTest::addRow("bearer in text") << QByteArray("sent Bearer abc.def-ghi_jkl~012 to it")
                                    << QByteArray("sent Bearer [redacted] to it");
    QTest::addRow("jwt") << QByteArray("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N")
                         << QByteArray("eyJ[redacted]");
    QTest::addRow("query key") << QByteArray("GET /v1/models?key=hunter2hunter2&page=2")
                               << QByteArray("GET /v1/models?key=[redacted]&page=2");
    QTest::addRow("query token, any case")
        << QByteArray("/x?a=1&Access_Token=abc123") << QByteArray("/x?a=1&Access_Token=[redacted]");
    QTest::addRow("url password") << QByteArray("proxy http://alice:s3cret@proxy.local:3128/")
                                  << QByteArray("proxy http://[redacted]@proxy.local:3128/");
    QTest::addRow("json api_key") << QByteArray(R"({"api_key":"plain-looking-value","model":"m"})")
                                  << QByteArray(R"({"api_key":"[redacted]","model":"m"})");
    QTest::addRow("json escaped quote") << QByteArray(R"({"password": "a\"b", "n": 1})")
                                        << QByteArray(R"({"password": "[redacted]", "n": 1})");
    QTest::addRow("header line in a dump") << QByteArray("Host: x\r\nx-api-key: anything at all\r\nAccept: */*")
                                           << QByteArray("Host: x\r\nx-api-key: [redacted]\r\nAccept: */*");
    QTest::addRow("authorization line") << QByteArray("authorization: Basic dXNlcjpwYXNz")
                                        << QByteArray("authorization: [redacted]");
}

void TestRedactor::text_masksSecrets()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(Redactor::text(input), expected);
}

void TestRedactor::text_leavesOrdinaryTextAlone_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addRow("prose") << QByteArray("The task-manager uses a risk-assessment model; keys are in the vault.");
    QTest::addRow("json") << QByteArray(R"({"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true})");
    QTest::addRow("path") << QByteArray("POST /v1/messages?beta=true");
    QTest::addRow("tokens count") << QByteArray(R"({"input_tokens":12,"output_tokens":3})");
    QTest::addRow("utf-8") << QByteArray("Grüße, 東京 🚀");
}

void TestRedactor::text_leavesOrdinaryTextAlone()
{
    QFETCH(QByteArray, input);
    QCOMPARE(Redactor::text(input), input);
}

void TestRedactor::headers_maskCredentialsByName_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("x-api-key") << QByteArray("X-Api-Key") << QByteArray("whatever-shape") << QByteArray("[redacted]");
    QTest::addRow("bearer keeps its scheme")
        << QByteArray("Authorization") << QByteArray("Bearer abc") << QByteArray("Bearer [redacted]");
    QTest::addRow("cookie") << QByteArray("Cookie") << QByteArray("session=1") << QByteArray("[redacted]");
    QTest::addRow("custom secret header")
        << QByteArray("X-Upstream-Secret") << QByteArray("v") << QByteArray("[redacted]");
    QTest::addRow("ordinary header") << QByteArray("anthropic-version") << QByteArray("2023-06-01")
                                     << QByteArray("2023-06-01");
    QTest::addRow("key-shaped value in an ordinary header")
        << QByteArray("X-Note") << QByteArray("sk-ant-api03-0123456789abcdef") << QByteArray("sk-ant-[redacted]");
}

void TestRedactor::headers_maskCredentialsByName()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(Redactor::headerValue(name, value), expected);
    const HttpHeaders masked = Redactor::headers(HttpHeaders{{name, value}});
    QCOMPARE(masked.fields().constFirst().first, name);
    QCOMPARE(masked.fields().constFirst().second, expected);
}

void TestRedactor::registeredSecret_isMaskedWhateverItsShape()
{
    Redactor::registerSecret("correct horse battery staple");
    QCOMPARE(Redactor::text("the key is correct horse battery staple, see"), QByteArray("the key is [redacted], see"));
}

void TestRedactor::shortRegisteredSecret_isIgnored()
{
    Redactor::registerSecret("abc");
    QCOMPARE(Redactor::text("abcdef"), QByteArray("abcdef"));
}

void TestRedactor::escapeControls_makesOneHarmlessLine()
{
    QCOMPARE(Redactor::escapeControls("GET /x\r\nFAKE 200\x1b[31m"), QByteArray("GET /x\\x0d\\x0aFAKE 200\\x1b[31m"));
    QCOMPARE(Redactor::forLog("/p?key=abc\n"), QByteArray("/p?key=[redacted]\\x0a"));
}

QTEST_GUILESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
