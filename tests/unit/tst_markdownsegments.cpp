// SPDX-License-Identifier: MIT
#include "chat/markdownsegments.h"

#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;
using Kind = MarkdownSegment::Kind;

// Replies are split at fenced code blocks so each block gets its own frame and copy button.
class TestMarkdownSegments final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void split_data();
    void split();
};

void TestMarkdownSegments::split_data()
{
    QTest::addColumn<QString>("markdown");
    QTest::addColumn<QList<MarkdownSegment>>("expected");
    QTest::newRow("prose only") << u"Hello **there**"_s
                                << QList<MarkdownSegment>{{Kind::Prose, u"Hello **there**"_s, {}, true}};
    QTest::newRow("empty") << QString() << QList<MarkdownSegment>{};
    QTest::newRow("prose, code, prose") << u"Here:\n\n```python\ndef f():\n    return 1\n```\n\nDone."_s
                                        << QList<MarkdownSegment>{
                                               {Kind::Prose, u"Here:\n"_s, {}, true},
                                               {Kind::Code, u"def f():\n    return 1"_s, u"python"_s, true},
                                               {Kind::Prose, u"\nDone."_s, {}, true}};
    QTest::newRow("open fence mid-stream")
        << u"Code:\n```js\nconst a"_s
        << QList<MarkdownSegment>{{Kind::Prose, u"Code:"_s, {}, true}, {Kind::Code, u"const a"_s, u"js"_s, false}};
    QTest::newRow("tilde fence holds backticks")
        << u"~~~\n```\n~~~"_s << QList<MarkdownSegment>{{Kind::Code, u"```"_s, {}, true}};
    QTest::newRow("longer closing fence") << u"````md\n```\ninner\n```\n````"_s
                                          << QList<MarkdownSegment>{{Kind::Code, u"```\ninner\n```"_s, u"md"_s, true}};
    QTest::newRow("inline code is not a fence")
        << u"Use ```x``` inline"_s << QList<MarkdownSegment>{{Kind::Prose, u"Use ```x``` inline"_s, {}, true}};
    QTest::newRow("indented fence") << u"   ```\nx\n   ```"_s << QList<MarkdownSegment>{{Kind::Code, u"x"_s, {}, true}};
    QTest::newRow("empty code block") << u"```\n```"_s << QList<MarkdownSegment>{{Kind::Code, QString(), {}, true}};
    QTest::newRow("info string with attributes")
        << u"```rust title=main\nfn main() {}\n```"_s
        << QList<MarkdownSegment>{{Kind::Code, u"fn main() {}"_s, u"rust"_s, true}};
}

void TestMarkdownSegments::split()
{
    QFETCH(QString, markdown);
    QFETCH(QList<MarkdownSegment>, expected);
    const auto actual = MarkdownSegments::split(markdown);
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < actual.size(); ++i) {
        QCOMPARE(int(actual[i].kind), int(expected[i].kind));
        QCOMPARE(actual[i].text, expected[i].text);
        QCOMPARE(actual[i].language, expected[i].language);
        QCOMPARE(actual[i].closed, expected[i].closed);
    }
}

QTEST_GUILESS_MAIN(TestMarkdownSegments)
#include "tst_markdownsegments.moc"
