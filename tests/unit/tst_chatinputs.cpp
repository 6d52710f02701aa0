// SPDX-License-Identifier: MIT
#include "chat/imageattachment.h"
#include "chat/tooldefinitions.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

// What the user hands the chat is checked in core, before it can reach a request: tool
// definitions typed as JSON, and images attached from files, drops or the clipboard.
class TestChatInputs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tools_areChecked_data();
    void tools_areChecked();
    void tools_namesAndPretty();
    void images_typeComesFromTheBytes_data();
    void images_typeComesFromTheBytes();
    void images_overTheLimitAreRefused();
    void images_fromFile();
};

void TestChatInputs::tools_areChecked_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("problem"); // a part of the message; empty: valid

    QTest::addRow("empty: no tools") << QString() << QString();
    QTest::addRow("blank: no tools") << u"  \n"_s << QString();
    QTest::addRow("empty array") << u"[]"_s << QString();
    QTest::addRow("one tool") << uR"([{"name":"f","input_schema":{"type":"object"}}])"_s << QString();
    QTest::addRow("server tool needs no schema")
        << uR"([{"type":"web_search_20250305","name":"web_search"}])"_s << QString();
    QTest::addRow("custom type needs one") << uR"([{"type":"custom","name":"f"}])"_s << u"tools[0].input_schema"_s;
    QTest::addRow("not JSON") << u"[{"_s << u"Not JSON"_s;
    QTest::addRow("an object, not an array") << uR"({"name":"f","input_schema":{}})"_s << u"array"_s;
    QTest::addRow("an element is no object")
        << uR"([{"name":"f","input_schema":{}}, 3])"_s << u"tools[1]: must be an object"_s;
    QTest::addRow("no name") << uR"([{"input_schema":{}}])"_s << u"tools[0].name"_s;
    QTest::addRow("empty name") << uR"([{"name":"","input_schema":{}}])"_s << u"tools[0].name"_s;
    QTest::addRow("schema not an object") << uR"([{"name":"f","input_schema":"object"}])"_s << u"input_schema"_s;
    QTest::addRow("duplicate names") << uR"([{"name":"f","input_schema":{}},{"name":"f","input_schema":{}}])"_s
                                     << u"tools[1].name: \"f\" is used twice"_s;
}

void TestChatInputs::tools_areChecked()
{
    QFETCH(QString, json);
    QFETCH(QString, problem);
    const QString found = ToolDefinitions::problem(json);
    if (problem.isEmpty()) {
        QVERIFY2(found.isEmpty(), qPrintable(found));
    } else {
        QVERIFY2(found.contains(problem), qPrintable(found));
    }
}

void TestChatInputs::tools_namesAndPretty()
{
    QCOMPARE(ToolDefinitions::names(uR"([{"name":"b","input_schema":{}},{"name":"a","input_schema":{}}])"_s),
             QStringList({u"b"_s, u"a"_s}));
    QVERIFY(ToolDefinitions::names(u"[{"_s).isEmpty());
    // Keys stay in the order the model wrote them.
    QCOMPARE(ToolDefinitions::pretty(uR"({"z":1,"a":[true]})"_s), u"{\n  \"z\": 1,\n  \"a\": [\n    true\n  ]\n}"_s);
}

void TestChatInputs::images_typeComesFromTheBytes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mediaType");
    QTest::addRow("png") << QByteArray("\x89PNG\r\n\x1a\n rest") << u"image/png"_s;
    QTest::addRow("jpeg") << QByteArray("\xff\xd8\xff\xe0 rest") << u"image/jpeg"_s;
    QTest::addRow("gif87") << QByteArray("GIF87a rest") << u"image/gif"_s;
    QTest::addRow("gif89") << QByteArray("GIF89a rest") << u"image/gif"_s;
    QTest::addRow("webp") << QByteArray("RIFF\x10\0\0\0WEBPVP8 ", 16) << u"image/webp"_s;
    QTest::addRow("riff, not webp") << QByteArray("RIFF\x10\0\0\0WAVEfmt ", 16) << QString();
    QTest::addRow("bmp") << QByteArray("BM rest") << QString();
    QTest::addRow("text") << QByteArray("hello") << QString();
    QTest::addRow("empty") << QByteArray() << QString();
}

void TestChatInputs::images_typeComesFromTheBytes()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mediaType);
    QCOMPARE(ImageAttachment::mediaTypeOf(bytes), mediaType);
    const auto result = ImageAttachment::fromBytes(bytes, u"x.png"_s);
    QCOMPARE(result.image.has_value(), !mediaType.isEmpty());
    if (result.image) {
        QCOMPARE(result.image->mediaType, mediaType);
        QCOMPARE(result.image->data, bytes.toBase64());
        QCOMPARE(result.image->fileName, u"x.png"_s);
    } else {
        QVERIFY2(result.error.contains(u"x.png is not a PNG, JPEG, GIF or WebP image"_s), qPrintable(result.error));
    }
}

void TestChatInputs::images_overTheLimitAreRefused()
{
    QByteArray atLimit("\x89PNG\r\n\x1a\n");
    atLimit.resize(ImageAttachment::MaxBytes, 'x');
    QVERIFY(ImageAttachment::fromBytes(atLimit, {}).image);
    const auto over = ImageAttachment::fromBytes(atLimit + 'x', {});
    QVERIFY(!over.image);
    QVERIFY2(over.error.contains(u"5.0 MB"_s) && over.error.contains(u"at most 5 MB"_s), qPrintable(over.error));
}

void TestChatInputs::images_fromFile()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(u"pic.gif"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("GIF89a....");
    file.close();
    const auto read = ImageAttachment::fromFile(file.fileName());
    QVERIFY(read.image);
    QCOMPARE(read.image->fileName, u"pic.gif"_s);
    QCOMPARE(read.image->mediaType, u"image/gif"_s);
    const auto missing = ImageAttachment::fromFile(dir.filePath(u"gone.png"_s));
    QVERIFY(!missing.image);
    QVERIFY2(missing.error.startsWith(u"Cannot read gone.png"_s), qPrintable(missing.error));
}

QTEST_GUILESS_MAIN(TestChatInputs)
#include "tst_chatinputs.moc"
