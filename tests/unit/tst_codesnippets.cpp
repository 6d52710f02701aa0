// SPDX-License-Identifier: MIT
#include "chat/codeliteral.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Switchboard::Core::CodeLiteral::Language)

// The literals that code snippets are made of are mostly not compared with expected text: each
// one is run by its real interpreter (python3, node) and what comes out compared as JSON.
class TestCodeSnippets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void literals_evaluateToTheirValue_data();
    void literals_evaluateToTheirValue();
    void literals_areLaidOutForReading_data();
    void literals_areLaidOutForReading();
    void literalKeys_followTheRequest();
};

namespace {

QJsonObject parsed(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qWarning("not a JSON object (%s): %s", qPrintable(error.errorString()), json.constData());
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

QString tool(const QString &name)
{
    return QStandardPaths::findExecutable(name);
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

QTEST_GUILESS_MAIN(TestCodeSnippets)
#include "tst_codesnippets.moc"
