// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "chat/chatmessage.h"
#include "chat/chatmessagemodel.h"
#include "chat/chatsession.h"
#include "chat/conversationstore.h"
#include "chatview.h"
#include "client/messagesclient.h"
#include "fakebackend.h"
#include "inspectorpanel.h"
#include "mainwindow.h"
#include "messagewidget.h"
#include "playground.h"
#include "security/settingssecretstore.h"
#include "server/servercontroller.h"
#include "serverdialog.h"
#include "testgateway.h"
#include "traffic/sessiontreemodel.h"
#include "traffic/trafficlog.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QInputDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListView>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>
#include <QtWidgets/QTreeWidget>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// The window driven as a person would: by objectName, with QTest's keys and clicks, waiting with
// QTRY_*. The server is real (on a free port), the backend the simulator or a scripted fake.
class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void prompt_streamsTheReplyIntoTheChat();
    void parameters_reachTheRequest();
    void stop_keepsThePartialReplyMarked();
    void edit_resendsFromThere();
    void inspector_showsBothLegsAndTheTimeline();
    void inspector_groupsTheConversationIntoASession();
    void conversations_surviveARestart();
    void shortcuts_newConversationAndFocus();
    void backendDown_showsInTheToolbar();
    void inspector_detachesAndComesBack();
    void presets_saveAndApply();
    void autoscroll_stopsWhenTheUserScrollsUp();
    void getCode_showsTheConversationAsCode();
    void serverDialog_saysWhenThePortIsTaken();
    void layout_isRemembered();
    void listeningBeyondLoopback_generatesAKeyShownOnce();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestMainWindow::cleanup()
{
    m_dir.reset();
}

void TestMainWindow::prompt_streamsTheReplyIntoTheChat()
{
    Playground playground(m_dir->path(), TestGateway::simulator(60));
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    auto *sendButton = playground.find<QPushButton>(u"sendButton"_s);
    QVERIFY(view && sendButton);
    playground.send(u"Say exactly: one two three four five six"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_COMPARE(sendButton->text(), u"Stop"_s);
    // Tokens show as they arrive: a partial reply is seen before the whole one.
    QTRY_VERIFY(!view->messageAt(1)->text().isEmpty() &&
                view->messageAt(1)->text() != u"one two three four five six"_s);
    QTRY_COMPARE(view->messageAt(1)->text(), u"one two three four five six"_s);
    QTRY_COMPARE(sendButton->text(), u"Send"_s);
    auto *stats = view->messageAt(1)->findChild<QLabel *>(u"messageStats"_s);
    QVERIFY(stats);
    QTRY_VERIFY(stats->isVisible());
    QVERIFY2(stats->text().contains(u"end_turn"_s) && stats->text().contains(u"tokens"_s), qPrintable(stats->text()));
}

void TestMainWindow::parameters_reachTheRequest()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *temperatureSet = playground.find<QCheckBox>(u"temperatureSet"_s);
    auto *temperature = playground.find<QDoubleSpinBox>(u"temperature"_s);
    auto *system = playground.find<QPlainTextEdit>(u"systemPrompt"_s);
    auto *stops = playground.find<QListWidget>(u"stopSequences"_s);
    auto *addStop = playground.find<QToolButton>(u"addStopSequence"_s);
    auto *stream = playground.find<QCheckBox>(u"streamReplies"_s);
    QVERIFY(temperatureSet && temperature && system && stops && addStop && stream);
    QVERIFY(!temperature->isEnabled()); // unset until checked
    QTest::mouseClick(temperatureSet, Qt::LeftButton, {}, QPoint(4, temperatureSet->height() / 2));
    QVERIFY(temperatureSet->isChecked());
    temperature->setValue(0.25);
    system->setPlainText(u"Answer in one line."_s);
    QTest::mouseClick(addStop, Qt::LeftButton);
    QTRY_COMPARE(stops->count(), 1);
    stops->item(0)->setText(u"\\n\\nUser:"_s);
    stream->setChecked(false);

    playground.send(u"Say exactly: fine"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    const QJsonObject sent = playground.lastMessagesRequest();
    QCOMPARE(sent[u"model"_s].toString(), u"claude-test"_s);
    QCOMPARE(sent[u"temperature"_s].toDouble(), 0.25);
    QCOMPARE(sent[u"system"_s].toString(), u"Answer in one line."_s);
    QCOMPARE(sent[u"stop_sequences"_s].toArray().first().toString(), u"\n\nUser:"_s);
    QVERIFY(!sent.contains(u"top_p"_s));
    QVERIFY(!sent.contains(u"stream"_s));
}

void TestMainWindow::inspector_groupsTheConversationIntoASession()
{
    // The playground's own turns, through the real server to an OpenAI-compatible backend, show as
    // one session of two turns, the second extending the first.
    FakeBackend backend;
    QVERIFY(backend.start() != 0);
    backend.on("/v1/chat/completions",
               FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    Playground playground(m_dir->path(), TestGateway::openAi(backend.baseUrl()));
    playground.waitListening();
    playground.send(u"First question"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    playground.send(u"Second question"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 4);
    auto *tree = playground.find<QTreeView>(u"sessionsTree"_s);
    QAbstractItemModel *model = tree->model();
    QTRY_COMPARE(model->rowCount(), 1);
    const QModelIndex session = model->index(0, 0);
    QTRY_COMPARE(model->rowCount(session), 1); // one branch: one system prompt
    const QModelIndex branch = model->index(0, 0, session);
    QTRY_COMPARE(model->rowCount(branch), 2);
    QTRY_COMPARE(model->index(1, Core::SessionTreeModel::PrefixColumn, branch).data().toString(), u"ok"_s);
}

void TestMainWindow::stop_keepsThePartialReplyMarked()
{
    Playground playground(m_dir->path(), TestGateway::simulator(10));
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    auto *sendButton = playground.find<QPushButton>(u"sendButton"_s);
    playground.send(u"Say exactly: a b c d e f g h i j k l m n o p"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_VERIFY(!view->messageAt(1)->text().isEmpty());
    QCOMPARE(sendButton->text(), u"Stop"_s);
    QTest::mouseClick(sendButton, Qt::LeftButton);
    QTRY_COMPARE(sendButton->text(), u"Send"_s);
    const Core::ChatMessage reply = playground.session->messages()->messages().last();
    QCOMPARE(reply.state, Core::ChatMessage::State::Stopped);
    QVERIFY(reply.text.size() < u"a b c d e f g h i j k l m n o p"_s.size());
    auto *stats = view->messageAt(1)->findChild<QLabel *>(u"messageStats"_s);
    QTRY_VERIFY(stats->text().startsWith(u"Stopped"_s));
}

void TestMainWindow::edit_resendsFromThere()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    playground.send(u"Say exactly: before"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_COMPARE(view->messageAt(1)->text(), u"before"_s);
    Ui::MessageWidget *question = view->messageAt(0);
    QTest::mouseClick(question->findChild<QToolButton *>(u"editMessage"_s), Qt::LeftButton);
    auto *editor = question->findChild<QPlainTextEdit *>(u"messageEditor"_s);
    QVERIFY(editor);
    editor->setPlainText(u"Say exactly: after"_s);
    QTest::mouseClick(question->findChild<QPushButton *>(u"resendEdited"_s), Qt::LeftButton);
    QTRY_COMPARE(view->messageCount(), 2);
    QTRY_COMPARE(view->messageAt(1)->text(), u"after"_s);
    QCOMPARE(view->messageAt(0)->text(), u"Say exactly: after"_s);
}

void TestMainWindow::inspector_showsBothLegsAndTheTimeline()
{
    FakeBackend backend;
    QVERIFY(backend.start() != 0);
    backend.on("/v1/chat/completions",
               FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    backend.on("/v1/models", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/02_v1_models.json"_s)));
    Playground playground(m_dir->path(), TestGateway::openAi(backend.baseUrl()));
    playground.waitListening();
    playground.send(u"Hello"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);

    auto *table = playground.find<QTableView>(u"inspectorTable"_s);
    QVERIFY(table);
    int row = -1;
    QTRY_VERIFY([&] {
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            const QModelIndex path = table->model()->index(r, 3);
            if (path.data().toString() == u"/v1/messages"_s) {
                row = r;
                return true;
            }
        }
        return false;
    }());
    table->selectRow(row);
    auto *timeline = playground.find<QTreeWidget>(u"inspectorTimeline"_s);
    auto *upstream = playground.find<QPlainTextEdit>(u"inspectorUpstreamView"_s);
    QVERIFY(timeline && upstream);
    QTRY_VERIFY(timeline->topLevelItemCount() > 3);
    QStringList types;
    for (int i = 0; i < timeline->topLevelItemCount(); ++i) {
        types << timeline->topLevelItem(i)->text(2); // offset, gap, event, data
    }
    QCOMPARE(types.first(), u"message_start"_s);
    QCOMPARE(types.last(), u"message_stop"_s);
    QVERIFY(types.contains(u"content_block_delta"_s));
    QTRY_VERIFY(upstream->toPlainText().contains(u"/v1/chat/completions"_s));
    QVERIFY(upstream->toPlainText().contains(u"[DONE]"_s));
}

void TestMainWindow::conversations_surviveARestart()
{
    {
        Playground playground(m_dir->path(), TestGateway::simulator());
        playground.waitListening();
        playground.send(u"Say exactly: kept"_s);
        QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    }
    Playground again(m_dir->path(), TestGateway::simulator());
    auto *view = again.find<Ui::ChatView>(u"chatView"_s);
    auto *list = again.find<QListView>(u"conversationList"_s);
    QTRY_COMPARE(view->messageCount(), 2);
    QCOMPARE(view->messageAt(1)->text(), u"kept"_s);
    QCOMPARE(list->model()->rowCount(), 1);
    QCOMPARE(list->model()->index(0, 0).data().toString(), u"Say exactly: kept"_s);
}

void TestMainWindow::shortcuts_newConversationAndFocus()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *list = playground.find<QListView>(u"conversationList"_s);
    const int before = list->model()->rowCount();
    QTest::keyClick(playground.window.get(), Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE(list->model()->rowCount(), before + 1);
    auto *composer = playground.find<QPlainTextEdit>(u"composer"_s);
    playground.find<QPlainTextEdit>(u"systemPrompt"_s)->setFocus();
    QTest::keyClick(playground.window.get(), Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(composer->hasFocus());
}

void TestMainWindow::inspector_detachesAndComesBack()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *inspector = playground.window->inspector();
    QAction *detach = playground.window->findChild<QAction *>(u"detachInspector"_s);
    QVERIFY(detach);
    detach->trigger();
    QTRY_VERIFY(inspector->window() != playground.window.get());
    QCOMPARE(inspector->window()->objectName(), u"inspectorWindow"_s);
    QTRY_VERIFY(inspector->isVisible());
    inspector->window()->close(); // closing its window docks it again
    QTRY_VERIFY(inspector->window() == playground.window.get());
    QVERIFY(!detach->isChecked());
    QTRY_VERIFY(inspector->isVisible());
}

// Answers the modal dialog that the next action opens, from inside its own event loop. Whatever
// fails (no such dialog, or a check in `answer`), the dialog is closed, so the test fails at once
// instead of waiting in exec() for the suite's timeout.
template<typename Dialog, typename Answer>
void whenModal(Answer answer)
{
    QTimer::singleShot(0, [answer] {
        QWidget *modal = QApplication::activeModalWidget();
        auto *dialog = qobject_cast<Dialog *>(modal);
        if (!dialog) {
            QTest::qFail(modal ? "the modal dialog is not the one expected" : "no modal dialog opened", __FILE__,
                         __LINE__);
            if (modal) {
                modal->close();
            }
            return;
        }
        answer(dialog);
        if (dialog->isVisible()) {
            QTest::qFail("the answer left the dialog open", __FILE__, __LINE__);
            dialog->reject();
        }
    });
}

void TestMainWindow::autoscroll_stopsWhenTheUserScrollsUp()
{
    Playground playground(m_dir->path(), TestGateway::simulator(40));
    playground.waitListening();
    auto *view = playground.find<Ui::ChatView>(u"chatView"_s);
    QString words;
    for (int i = 0; i < 120; ++i) {
        words += u"word\n\n"_s;
    }
    auto *composer = playground.find<QPlainTextEdit>(u"composer"_s);
    composer->setPlainText(u"Say exactly: "_s + words); // keyClicks cannot type newlines
    QTest::keyClick(composer, Qt::Key_Return, Qt::ControlModifier);
    QScrollBar *bar = view->verticalScrollBar();
    // The reply grows past the view and the view follows it down.
    QTRY_VERIFY(bar->maximum() > 0 && playground.session->isBusy());
    QTRY_VERIFY(bar->value() == bar->maximum() && bar->maximum() > 200);
    // The user scrolls up to read: the view stays there while the reply goes on.
    bar->setValue(0);
    QVERIFY(!view->followsNewest());
    const int maximum = bar->maximum();
    QTRY_VERIFY(bar->maximum() > maximum);
    QCOMPARE(bar->value(), 0);
    playground.session->stop();
}

void TestMainWindow::presets_saveAndApply()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    auto *system = playground.find<QPlainTextEdit>(u"systemPrompt"_s);
    auto *maxTokens = playground.find<QSpinBox>(u"maxTokens"_s);
    auto *presets = playground.find<QComboBox>(u"presetCombo"_s);
    system->setPlainText(u"You are a pirate."_s);
    maxTokens->setValue(321);
    whenModal<QInputDialog>([](QInputDialog *dialog) {
        dialog->setTextValue(u"Pirate"_s);
        dialog->accept();
    });
    QTest::mouseClick(playground.find<QToolButton>(u"savePreset"_s), Qt::LeftButton);
    QTRY_COMPARE(presets->count(), 1);
    QCOMPARE(presets->itemText(0), u"Pirate"_s);

    system->setPlainText(u"Plain."_s);
    maxTokens->setValue(10);
    presets->activated(0); // what choosing it in the list does
    QTRY_COMPARE(system->toPlainText(), u"You are a pirate."_s);
    QCOMPARE(maxTokens->value(), 321);
    QCOMPARE(playground.session->settings().maxTokens, 321);
}

void TestMainWindow::getCode_showsTheConversationAsCode()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    playground.send(u"Say exactly: it's code"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    QString curl;
    QString python;
    QString typeScript;
    whenModal<QDialog>([&](QDialog *dialog) {
        curl = dialog->findChild<QPlainTextEdit *>(u"codeCurl"_s)->toPlainText();
        python = dialog->findChild<QPlainTextEdit *>(u"codePython"_s)->toPlainText();
        typeScript = dialog->findChild<QPlainTextEdit *>(u"codeTypeScript"_s)->toPlainText();
        dialog->reject();
    });
    QTest::mouseClick(playground.find<QPushButton>(u"getCode"_s), Qt::LeftButton);
    const QString base = playground.server.baseUrl().toString();
    QVERIFY2(curl.contains(base + u"/v1/messages"_s), qPrintable(curl));
    QVERIFY(curl.contains(u"it'\\''s code"_s));
    QVERIFY(python.contains(u"anthropic.Anthropic("_s) && python.contains(base));
    QVERIFY(typeScript.contains(u"@anthropic-ai/sdk"_s) && typeScript.contains(u"claude-test"_s));
}

void TestMainWindow::serverDialog_saysWhenThePortIsTaken()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    Ui::ServerDialog dialog(playground.server, playground.window.get());
    dialog.show();
    dialog.findChild<QSpinBox *>(u"serverPort"_s)->setValue(taken.serverPort());
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"serverApply"_s), Qt::LeftButton);
    auto *state = dialog.findChild<QLabel *>(u"serverState"_s);
    QTRY_VERIFY2(state->text().contains(QString::number(taken.serverPort())) &&
                     state->text().contains(u"Choose another port"_s),
                 qPrintable(state->text()));
    QTRY_VERIFY(playground.find<QToolButton>(u"serverStatus"_s)->text().contains(u"Not running"_s));
    // Another port: it runs again, and the dialog shows the new base URL.
    dialog.findChild<QSpinBox *>(u"serverPort"_s)->setValue(0);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"serverApply"_s), Qt::LeftButton);
    QTRY_COMPARE(state->text(), u"Running"_s);
    QVERIFY(dialog.findChild<QLineEdit *>(u"serverBaseUrl"_s)->text().startsWith(u"http://127.0.0.1:"_s));
    // A request through the new port shows in the dialog's count.
    const qint64 before = playground.server.requestsServed();
    QCOMPARE(ApiClient(playground.server.baseUrl()).get("/v1/models").status, 200);
    QTRY_VERIFY(playground.server.requestsServed() > before);
    QTRY_COMPARE(dialog.findChild<QLabel *>(u"serverRequests"_s)->text(),
                 QString::number(playground.server.requestsServed()));
}

void TestMainWindow::layout_isRemembered()
{
    QList<int> sizes;
    {
        Playground playground(m_dir->path(), TestGateway::simulator());
        auto *top = playground.find<QSplitter>(u"topSplitter"_s);
        top->setSizes({300, 600, 260});
        sizes = top->sizes();
        playground.window->close();
    }
    Playground again(m_dir->path(), TestGateway::simulator());
    QTRY_COMPARE(again.find<QSplitter>(u"topSplitter"_s)->sizes(), sizes);
}

void TestMainWindow::backendDown_showsInTheToolbar()
{
    Core::GatewayConfig config = TestGateway::openAi("http://127.0.0.1:1"); // nothing listens there
    config.backends.front().policy.breakerFailures = 1;
    config.backends.front().policy.retries = 0;
    Playground playground(m_dir->path(), config);
    playground.waitListening();
    playground.send(u"Hello?"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    const Core::ChatMessage reply = playground.session->messages()->messages().last();
    QCOMPARE(reply.state, Core::ChatMessage::State::Failed);
    QVERIFY(!reply.errorType.isEmpty());
    auto *error = playground.find<Ui::ChatView>(u"chatView"_s)->messageAt(1)->findChild<QLabel *>(u"messageError"_s);
    QTRY_VERIFY(error->isVisible() && error->text().startsWith(reply.errorType));
    auto *status = playground.find<QToolButton>(u"serverStatus"_s);
    QTRY_VERIFY2(status->text().contains(u"down: fake"_s), qPrintable(status->text()));
    QCOMPARE(playground.server.downBackends(), QList<QByteArray>{"fake"});
}

void TestMainWindow::listeningBeyondLoopback_generatesAKeyShownOnce()
{
    Playground playground(m_dir->path(), TestGateway::simulator());
    playground.waitListening();
    playground.server.setApiKeyPath(m_dir->filePath(u"api-key"_s));
    QSignalSpy created(&playground.server, &Core::ServerController::apiKeyCreated);
    QSignalSpy states(&playground.server, &Core::ServerController::stateChanged);
    const auto listeningAgain = [&states] {
        for (const auto &arguments : std::as_const(states)) {
            if (arguments.first().value<Core::ServerController::State>() == Core::ServerController::State::Listening) {
                return true;
            }
        }
        return false;
    };
    playground.server.start(QHostAddress(QHostAddress::AnyIPv4), 0);
    QTRY_COMPARE(created.count(), 1);
    QTRY_VERIFY(listeningAgain());
    QTRY_VERIFY(playground.window->findChild<QMessageBox *>(u"apiKeyNotice"_s));
    const QByteArray key = created.first().first().toByteArray();
    QVERIFY(playground.window->findChild<QMessageBox *>(u"apiKeyNotice"_s)
                ->informativeText()
                .contains(QString::fromUtf8(key)));
    playground.waitListening();

    // The window's own chat carries the key; a client without it is refused.
    playground.send(u"Say exactly: with key"_s);
    QTRY_VERIFY(!playground.session->isBusy() && playground.session->messages()->rowCount() == 2);
    QCOMPARE(playground.session->messages()->messages().last().text, u"with key"_s);
    ApiClient anonymous(playground.server.baseUrl());
    QCOMPARE(anonymous.get("/v1/models").status, 401);

    // A restart keeps the key it has: it is not shown again.
    states.clear();
    playground.server.start(QHostAddress(QHostAddress::AnyIPv4), 0);
    QTRY_VERIFY(listeningAgain());
    QCOMPARE(created.count(), 1);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
