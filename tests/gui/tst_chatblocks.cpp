// SPDX-License-Identifier: MIT
#include "attachmentstrip.h"
#include "chat/chatmessage.h"
#include "chat/chatmessagemodel.h"
#include "chat/chatsession.h"
#include "chat/conversationstore.h"
#include "chatview.h"
#include "client/messagesclient.h"
#include "imagethumbnail.h"
#include "mainwindow.h"
#include "messagewidget.h"
#include "playground.h"
#include "server/servercontroller.h"
#include "testgateway.h"
#include "thinkingview.h"
#include "toolusecard.h"
#include "traffic/trafficlog.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMimeData>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtGui/QClipboard>
#include <QtGui/QDropEvent>
#include <QtGui/QImage>
#include <QtGui/QPainter>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QToolButton>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

namespace {

const QString WeatherTool = uR"([
  {
    "name": "get_weather",
    "description": "The current weather in a city",
    "input_schema": {
      "type": "object",
      "properties": {"city": {"type": "string"}},
      "required": ["city"]
    }
  }
])"_s;

} // namespace

// Tool calls, images and thinking in the window, driven by objectName as a person would, against
// the simulator (which calls a tool the prompt names, describes images and thinks when asked).
class TestChatBlocks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void toolsEditor_validatesAndAppliesOnlyValidTools();
    void toolCall_isAnsweredFromItsCard();
    void image_isAttachedAndSentAsBase64();
    void image_pastedIntoTheComposer();
    void thinking_isCollapsedAboveTheAnswer();
    void screenshot_conversationWithEverything();

private:
    void enterTools(Playground &playground, const QString &json);
    void switchThinkingOn(Playground &playground);
    QString writePng(const QString &name, QSize size);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestChatBlocks::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestChatBlocks::cleanup()
{
    m_dir.reset();
}

void TestChatBlocks::enterTools(Playground &playground, const QString &json)
{
    auto *toggle = playground.find<QToolButton>(u"toolsSection"_s);
    auto *editor = playground.find<QPlainTextEdit>(u"toolsEditor"_s);
    QVERIFY(toggle && editor);
    if (!editor->isVisible()) {
        QTest::mouseClick(toggle, Qt::LeftButton);
    }
    QTRY_VERIFY(editor->isVisible());
    editor->setPlainText(json);
}

void TestChatBlocks::switchThinkingOn(Playground &playground)
{
    auto *thinkingSet = playground.find<QCheckBox>(u"thinkingSet"_s);
    auto *budget = playground.find<QSpinBox>(u"thinkingBudget"_s);
    QVERIFY(thinkingSet && budget);
    QVERIFY(!budget->isEnabled());
    QTest::mouseClick(thinkingSet, Qt::LeftButton, {}, QPoint(4, thinkingSet->height() / 2));
    QVERIFY(budget->isEnabled());
    QCOMPARE(budget->minimum(), 1024);
    // max_tokens (1024 by default) leaves no room for a budget, so it was raised.
    const auto &settings = playground.session->settings();
    QVERIFY(settings.thinkingBudget);
    QVERIFY(*settings.thinkingBudget >= 1024 && *settings.thinkingBudget < settings.maxTokens);
    QVERIFY(playground.find<QLabel>(u"thinkingHint"_s)->isHidden());
}

QString TestChatBlocks::writePng(const QString &name, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(0x2e, 0x7d, 0xd1));
    QPainter painter(&image);
    painter.setBrush(QColor(0xf5, 0xb7, 0x00));
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(
        QRect(QPoint(0, 0), size).adjusted(size.width() / 4, size.height() / 4, -size.width() / 4, -size.height() / 4));
    painter.end();
    const QString path = m_dir->filePath(name);
    if (!image.save(path, "PNG")) {
        QTest::qFail(qPrintable(u"cannot write "_s + path), __FILE__, __LINE__);
    }
    return path;
}

void TestChatBlocks::toolsEditor_validatesAndAppliesOnlyValidTools()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *error = playground.find<QLabel>(u"toolsError"_s);
    auto *choice = playground.find<QComboBox>(u"toolChoice"_s);
    QVERIFY(error && choice);

    enterTools(playground, uR"([{"name": "get_weather"}])"_s);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"input_schema"_s), qPrintable(error->text()));
    QVERIFY(playground.session->settings().toolsJson.isEmpty()); // not applied

    enterTools(playground, uR"({"name": "get_weather"})"_s);
    QVERIFY2(error->text().contains(u"array"_s), qPrintable(error->text()));
    enterTools(playground, u"[{\"name\": "_s);
    QVERIFY2(error->text().startsWith(u"Not JSON"_s), qPrintable(error->text()));

    enterTools(playground, WeatherTool);
    QTRY_VERIFY(!error->isVisible());
    QCOMPARE(playground.session->settings().toolsJson, WeatherTool);
    // The defined tools can be forced.
    const int forced = choice->findText(u"tool: get_weather"_s);
    QVERIFY(forced > 0);
    choice->setCurrentIndex(forced);
    QCOMPARE(playground.session->settings().toolChoice, uR"({"type":"tool","name":"get_weather"})"_s);

    // A bad edit afterwards keeps the valid tools in use and the text being typed in place.
    auto *editor = playground.find<QPlainTextEdit>(u"toolsEditor"_s);
    editor->moveCursor(QTextCursor::End);
    QTest::keyClicks(editor, u","_s);
    QTRY_VERIFY(error->isVisible());
    QCOMPARE(playground.session->settings().toolsJson, WeatherTool);
    QCOMPARE(editor->toPlainText(), WeatherTool + u","_s);
}

void TestChatBlocks::toolCall_isAnsweredFromItsCard()
{
    Playground playground(m_dir->path(), TestGateway::simulator(200));
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    enterTools(playground, WeatherTool);
    playground.send(u"What is the weather in \"Paris\"? Use get_weather."_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_VERIFY(!playground.session->isBusy());

    auto *card = view->messageAt(1)->findChild<Ui::ToolUseCard *>(u"toolUseCard"_s);
    QVERIFY(card);
    QVERIFY(card->isVisible());
    QVERIFY(card->findChild<QLabel *>(u"toolUseName"_s)->text().contains(u"get_weather"_s));
    const QString input = card->findChild<QLabel *>(u"toolUseInput"_s)->text();
    QVERIFY2(input.contains(u"\"city\": \"Paris\""_s), qPrintable(input)); // indented for reading
    auto *answer = card->findChild<QPlainTextEdit *>(u"toolResultInput"_s);
    auto *isError = card->findChild<QCheckBox *>(u"toolResultIsError"_s);
    auto *sendResult = card->findChild<QPushButton *>(u"sendToolResult"_s);
    QVERIFY(answer && isError && sendResult);
    QVERIFY(answer->isVisible() && isError->isVisible() && sendResult->isVisible());
    QVERIFY(!answer->accessibleName().isEmpty() && !sendResult->toolTip().isEmpty());

    answer->setFocus();
    QTest::keyClicks(answer, u"21C, clear"_s);
    QTest::mouseClick(sendResult, Qt::LeftButton);
    QTRY_COMPARE(view->messageCount(), 4);
    QTRY_COMPARE(view->messageAt(3)->text(), u"Calling the get_weather tool returned: 21C, clear."_s);
    QTRY_VERIFY(!playground.session->isBusy());

    // The card is answered now: the result shows read-only, the field is gone.
    auto *result = card->findChild<QLabel *>(u"toolResultView"_s);
    QTRY_VERIFY(result->isVisible());
    QVERIFY(result->text().contains(u"21C, clear"_s));
    QVERIFY(!answer->isVisible() && !sendResult->isVisible());
    // The question of tool results shows them.
    auto *resultBlock = view->messageAt(2)->findChild<QLabel *>(u"toolResultBlock"_s);
    QVERIFY(resultBlock && resultBlock->isVisible());
    QCOMPARE(resultBlock->text(), u"Result of get_weather:\n21C, clear"_s);
    const QJsonArray sent = playground.lastMessagesRequest()[u"messages"_s].toArray();
    QCOMPARE(sent.last()[u"content"_s][0][u"type"_s].toString(), u"tool_result"_s);
    QCOMPARE(sent.last()[u"content"_s][0][u"content"_s].toString(), u"21C, clear"_s);
}

void TestChatBlocks::image_isAttachedAndSentAsBase64()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *strip = playground.find<Ui::AttachmentStrip>(u"attachmentStrip"_s);
    auto *attach = playground.find<QToolButton>(u"attachImage"_s);
    QVERIFY(strip && attach);
    QVERIFY(attach->isVisible() && !attach->toolTip().isEmpty() && !attach->accessibleName().isEmpty());

    // What the API would refuse is refused here, with the reason.
    const QString notAnImage = m_dir->filePath(u"notes.png"_s);
    QFile text(notAnImage);
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("just text");
    text.close();
    QVERIFY(!strip->attachFile(notAnImage));
    QTRY_VERIFY(strip->isVisible());
    QVERIFY2(strip->error().contains(u"PNG, JPEG, GIF or WebP"_s), qPrintable(strip->error()));
    const QString huge = m_dir->filePath(u"huge.png"_s);
    QFile big(huge);
    QVERIFY(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(6 * 1024 * 1024, 'x'));
    big.close();
    QVERIFY(!strip->attachFile(huge));
    QVERIFY2(strip->error().contains(u"5 MB"_s), qPrintable(strip->error()));

    const QString path = writePng(u"dot.png"_s, QSize(32, 24));
    QVERIFY(strip->attachFile(path));
    QVERIFY(strip->error().isEmpty());
    QCOMPARE(strip->findChildren<Ui::ImageThumbnail *>().size(), 1);
    QVERIFY(strip->findChild<QToolButton *>(u"removeAttachment"_s));

    playground.send(u"What is in this picture?"_s);
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_VERIFY(!playground.session->isBusy());
    QVERIFY(strip->images().isEmpty()); // sent, so no longer attached
    QVERIFY(!strip->isVisible());

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    const QJsonArray content = playground.lastMessagesRequest()[u"messages"_s][0][u"content"_s].toArray();
    QCOMPARE(content.size(), 2);
    QCOMPARE(content[0][u"type"_s].toString(), u"image"_s);
    QCOMPARE(content[0][u"source"_s][u"type"_s].toString(), u"base64"_s);
    QCOMPARE(content[0][u"source"_s][u"media_type"_s].toString(), u"image/png"_s);
    QCOMPARE(content[0][u"source"_s][u"data"_s].toString().toLatin1(), bytes.toBase64());
    QCOMPARE(content[1][u"text"_s].toString(), u"What is in this picture?"_s);
    const QString reply = view->messageAt(1)->text();
    QVERIFY2(reply.contains(u"an image/png image of %1 bytes (32x24 pixels)"_s.arg(bytes.size())), qPrintable(reply));
    // The question shows its image.
    auto *thumbnail = view->messageAt(0)->findChild<Ui::ImageThumbnail *>();
    QVERIFY(thumbnail && thumbnail->isVisible());
    QVERIFY(thumbnail->toolTip().contains(u"dot.png"_s));
}

void TestChatBlocks::image_pastedIntoTheComposer()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *strip = playground.find<Ui::AttachmentStrip>(u"attachmentStrip"_s);
    auto *composer = playground.find<QPlainTextEdit>(u"composer"_s);
    QImage picture(8, 8, QImage::Format_RGB32);
    picture.fill(Qt::red);
    QGuiApplication::clipboard()->setImage(picture);
    composer->setFocus();
    QTest::keyClick(composer, Qt::Key_V, Qt::ControlModifier);
    QTRY_COMPARE(strip->images().size(), 1);
    QCOMPARE(strip->images().first().mediaType, u"image/png"_s);
    QVERIFY(composer->toPlainText().isEmpty());
    // Text still pastes as text.
    QGuiApplication::clipboard()->setText(u"plain words"_s);
    QTest::keyClick(composer, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(composer->toPlainText(), u"plain words"_s);
    QCOMPARE(strip->images().size(), 1);
    // A thumbnail's remove button takes it off again.
    QTest::mouseClick(strip->findChild<QToolButton *>(u"removeAttachment"_s), Qt::LeftButton);
    QTRY_VERIFY(strip->images().isEmpty());

    // An image file dropped on the composer is attached, not inserted as its path.
    QMimeData dropped;
    dropped.setUrls({QUrl::fromLocalFile(writePng(u"dropped.png"_s, QSize(10, 10)))});
    const QPoint at = composer->viewport()->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(composer->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &dropped, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(composer->viewport(), &drop);
    QTRY_COMPARE(strip->images().size(), 1);
    QCOMPARE(strip->images().first().fileName, u"dropped.png"_s);
    QCOMPARE(composer->toPlainText(), u"plain words"_s);
}

void TestChatBlocks::thinking_isCollapsedAboveTheAnswer()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    switchThinkingOn(playground);
    playground.send(u"Say exactly: forty-two"_s);
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_VERIFY(!playground.session->isBusy());
    QTRY_COMPARE(view->messageAt(1)->text(), u"forty-two"_s);

    auto *thinking = view->messageAt(1)->findChild<Ui::ThinkingView *>();
    QVERIFY(thinking);
    auto *toggle = thinking->findChild<QToolButton *>(u"thinkingToggle"_s);
    auto *text = thinking->findChild<QLabel *>(u"messageThinking"_s);
    QVERIFY(toggle && text);
    QTRY_VERIFY(toggle->isVisible());
    QVERIFY2(toggle->text().startsWith(u"Thinking ("_s) && toggle->text().endsWith(u" words)"_s),
             qPrintable(toggle->text()));
    QVERIFY(!text->isVisible());                                                              // collapsed
    QVERIFY(thinking->y() < view->messageAt(1)->findChild<QLabel *>(u"messageProse"_s)->y()); // above the answer
    QTest::mouseClick(toggle, Qt::LeftButton);
    QTRY_VERIFY(text->isVisible());
    QVERIFY2(text->text().startsWith(u"The user wrote"_s), qPrintable(text->text()));
    QTest::mouseClick(toggle, Qt::LeftButton);
    QTRY_VERIFY(!text->isVisible());
    QCOMPARE(playground.lastMessagesRequest()[u"thinking"_s][u"type"_s].toString(), u"enabled"_s);
}

void TestChatBlocks::screenshot_conversationWithEverything()
{
    // One conversation with an image, thinking and an answered tool call, drawn to a PNG when
    // SWITCHBOARD_SCREENSHOT_DIR is set (to look at); otherwise it only checks that it renders.
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.window->resize(1400, 900);
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    enterTools(playground, WeatherTool);
    switchThinkingOn(playground);
    QVERIFY(playground.find<Ui::AttachmentStrip>(u"attachmentStrip"_s)
                ->attachFile(writePng(u"sky.png"_s, QSize(160, 120))));
    playground.send(u"Here is the sky in \"Paris\". Use get_weather to check."_s);
    QTRY_VERIFY(view->messageCount() == 2 && !playground.session->isBusy());
    auto *card = view->messageAt(1)->findChild<Ui::ToolUseCard *>();
    QVERIFY(card);
    QTest::keyClicks(card->findChild<QPlainTextEdit *>(u"toolResultInput"_s), u"18C, light rain"_s);
    const QImage open = view->grab().toImage(); // the card waiting for its answer
    QTest::mouseClick(card->findChild<QPushButton *>(u"sendToolResult"_s), Qt::LeftButton);
    QTRY_VERIFY(view->messageCount() == 4 && !playground.session->isBusy());
    QTest::mouseClick(view->messageAt(1)->findChild<QToolButton *>(u"thinkingToggle"_s), Qt::LeftButton);
    const QImage shot = playground.window->grab().toImage();
    QVERIFY(!shot.isNull());
    const QByteArray directory = qgetenv("SWITCHBOARD_SCREENSHOT_DIR");
    view->verticalScrollBar()->setValue(0); // the top, for the second picture (following is tested elsewhere)
    QTRY_COMPARE(view->verticalScrollBar()->value(), 0);
    const QImage top = view->grab().toImage();
    if (!directory.isEmpty()) {
        QVERIFY(shot.save(QString::fromLocal8Bit(directory) + u"/chatblocks.png"_s));
        QVERIFY(top.save(QString::fromLocal8Bit(directory) + u"/chatblocks-top.png"_s));
        QVERIFY(open.save(QString::fromLocal8Bit(directory) + u"/chatblocks-card.png"_s));
    }
}

QTEST_MAIN(TestChatBlocks)
#include "tst_chatblocks.moc"
