// SPDX-License-Identifier: MIT
#include "json/jsonparser.h"

#include <QtTest/QTest>

#include <string>

using namespace Switchboard::Core;

// JSON that is passed on as it was written (the user's tool schemas, the model's tool inputs): only
// the whitespace between tokens may go; key order, number spelling and string escapes stay.
class TestJsonText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minified_keepsEverythingButWhitespace_data();
    void minified_keepsEverythingButWhitespace();
    void rawAt_givesTheValueAsWritten_data();
    void rawAt_givesTheValueAsWritten();
};

void TestJsonText::minified_keepsEverythingButWhitespace_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("expected"); // empty: not valid JSON

    QTest::newRow("already compact") << QByteArray(R"({"b":1,"a":2})") << QByteArray(R"({"b":1,"a":2})");
    QTest::newRow("indented") << QByteArray("{\n  \"zeta\": [1, 2],\n\t\"alpha\": {\"y\": true}\r\n}\n")
                              << QByteArray(R"({"zeta":[1,2],"alpha":{"y":true}})");
    QTest::newRow("numbers as spelled") << QByteArray("[1.0, 1e2, 0.1, -0.0, 1E-7, 12345678901234567890]")
                                        << QByteArray("[1.0,1e2,0.1,-0.0,1E-7,12345678901234567890]");
    QTest::newRow("whitespace inside strings kept") << QByteArray(R"({"a b" : " x \" y \\ " , "c":"\u00e9\n"})")
                                                    << QByteArray(R"({"a b":" x \" y \\ ","c":"\u00e9\n"})");
    QTest::newRow("a scalar") << QByteArray(" 42 ") << QByteArray("42");
    QTest::newRow("not JSON") << QByteArray(R"({"a":)") << QByteArray();
    QTest::newRow("trailing garbage") << QByteArray(R"({"a":1} x)") << QByteArray();
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestJsonText::minified_keepsEverythingButWhitespace()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    QCOMPARE(Json::minified(json), expected);
    QCOMPARE(Json::isObject(json), expected.startsWith('{'));
}

void TestJsonText::rawAt_givesTheValueAsWritten_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("pointer");
    QTest::addColumn<QByteArray>("expected"); // empty: nothing there

    const QByteArray event =
        R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f",)"
        R"("input":{"zeta":1.0,"alpha":{"y":1e2, "x":0.1}}}})";
    QTest::newRow("an object, spacing kept")
        << event << QByteArray("/content_block/input") << QByteArray(R"({"zeta":1.0,"alpha":{"y":1e2, "x":0.1}})");
    const QByteArray message = R"({"content":[{"type":"text","text":"a"},{"type":"tool_use","input":{"b":[1.50,2]}}]})";
    QTest::newRow("inside an array") << message << QByteArray("/content/1/input") << QByteArray(R"({"b":[1.50,2]})");
    QTest::newRow("an array") << message << QByteArray("/content/1/input/b") << QByteArray("[1.50,2]");
    QTest::newRow("a number, as spelled") << message << QByteArray("/content/1/input/b/0") << QByteArray("1.50");
    QTest::newRow("a string, with its quotes")
        << QByteArray(R"({"s" : "caf\u00e9" })") << QByteArray("/s") << QByteArray(R"("caf\u00e9")");
    QTest::newRow("missing") << message << QByteArray("/content/0/input") << QByteArray();
    QTest::newRow("out of range") << message << QByteArray("/content/5") << QByteArray();
    QTest::newRow("invalid JSON") << QByteArray(R"({"a":{"b":1})") << QByteArray("/a") << QByteArray();
}

void TestJsonText::rawAt_givesTheValueAsWritten()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, pointer);
    QFETCH(QByteArray, expected);
    QCOMPARE(Json::rawAt(json, pointer.toStdString()), expected);
}

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
