// SPDX-License-Identifier: MIT
#include "chat/chatsettingsjson.h"
#include "chat/conversationstore.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

#include <limits>
#include <memory>

using namespace Switchboard::Core;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Switchboard::Core::ChatSettings)
Q_DECLARE_METATYPE(Switchboard::Core::ChatMessage)

namespace Switchboard::Core {

// Readable QCOMPARE failures.
char *toString(const ChatSettings &settings)
{
    return qstrdup(ChatSettingsJson::write(settings).constData());
}

char *toString(const ChatMessage &message)
{
    const QString text =
        u"#%1 role=%2 state=%3 text=%4 thinking=%5 ttft=%6 duration=%7 in=%8 out=%9"_s.arg(
            QString::number(message.id), QString::number(int(message.role)), QString::number(int(message.state)),
            message.text, message.thinking, QString::number(message.stats.timeToFirstTokenMs),
            QString::number(message.stats.durationMs), QString::number(message.stats.inputTokens),
            QString::number(message.stats.outputTokens)) %
        u" stop=%1/%2 error=%3/%4"_s.arg(message.stats.stopReason, message.stats.stopSequence, message.errorType,
                                         message.errorMessage);
    return qstrdup(text.toUtf8().constData());
}

} // namespace Switchboard::Core

namespace {

ChatMessage userMessage(const QString &text)
{
    ChatMessage message;
    message.role = ChatMessage::Role::User;
    message.text = text;
    return message;
}

ChatMessage assistantMessage(const QString &text, ChatMessage::State state)
{
    ChatMessage message;
    message.role = ChatMessage::Role::Assistant;
    message.text = text;
    message.state = state;
    return message;
}

// Runs one statement on the file beside any store, as the sqlite3 tool would, and returns the
// first column of its first row.
QVariant rawQuery(const QString &path, const QString &sql)
{
    const QString connection = u"raw"_s;
    QVariant result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next()) {
                result = query.value(0);
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return result;
}

QList<qint64> idsOf(const QList<ChatMessage> &messages)
{
    QList<qint64> ids;
    for (const ChatMessage &message : messages) {
        ids.append(message.id);
    }
    return ids;
}

QList<qint64> idsOf(const QList<ConversationSummary> &conversations)
{
    QList<qint64> ids;
    for (const ConversationSummary &conversation : conversations) {
        ids.append(conversation.id);
    }
    return ids;
}

} // namespace

// The playground's history: conversations, their settings and messages must come back exactly as
// written, after a restart too, and a reply cut off by a crash must not look as if still arriving.
class TestConversationStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void open_createsAWalFileInANewDirectory();
    void open_refusesAFileFromANewerSwitchboard();
    void closedStore_failsWithAReason();

    void conversations_createListRenameRemove();
    void conversations_newestUpdatedFirst();
    void conversations_unknownIdsFail();
    void titles_areStoredVerbatim_data();
    void titles_areStoredVerbatim();

    void settings_roundTrip_data();
    void settings_roundTrip();
    void settingsJson_leavesUnsetOptionalsOut();

    void messages_roundTrip_data();
    void messages_roundTrip();
    void messages_keepTheirOrder();
    void updateMessage_rewritesEverythingButTheRole();
    void updateMessage_unknownIdFails();
    void removeMessagesFrom_removesTheMessageAndLaterOnes();
    void removeMessagesFrom_refusesAMessageOfAnotherConversation();
    void removeMessage_removesOnlyThatOne();
    void remove_takesTheMessagesWithIt();
    void appendMessage_toAnUnknownConversationFails();

    void reopen_seesEverything();
    void reopen_stopsInterruptedReplies_data();
    void reopen_stopsInterruptedReplies();
    void open_migratesASchema1File();

private:
    QString path() const { return m_dir->filePath(u"data/conversations.sqlite"_s); }
    // A store open on path().
    std::unique_ptr<ConversationStore> openStore() const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConversationStore::init()
{
    // A connection left in use or a duplicate connection name shows only as a warning.
    QTest::failOnWarning(QRegularExpression(u"."_s));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestConversationStore::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<ConversationStore> TestConversationStore::openStore() const
{
    auto store = std::make_unique<ConversationStore>();
    if (!store->open(path())) {
        qWarning("open failed: %s", qPrintable(store->lastError()));
    }
    return store;
}

void TestConversationStore::open_createsAWalFileInANewDirectory()
{
    ConversationStore store;
    QVERIFY2(store.open(path()), qPrintable(store.lastError()));
    QVERIFY(store.isOpen());
    QVERIFY(QFileInfo::exists(path()));
    QCOMPARE(rawQuery(path(), u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(rawQuery(path(), u"PRAGMA user_version"_s).toInt(), 3);
    QVERIFY(!store.open(path()));
    QVERIFY(store.lastError().contains(u"already open"_s));
}

void TestConversationStore::open_refusesAFileFromANewerSwitchboard()
{
    openStore().reset();
    rawQuery(path(), u"PRAGMA user_version = 99"_s);
    ConversationStore store;
    QVERIFY(!store.open(path()));
    QVERIFY2(store.lastError().contains(u"newer Switchboard"_s), qPrintable(store.lastError()));
    QVERIFY(!store.isOpen());
    QCOMPARE(rawQuery(path(), u"PRAGMA user_version"_s).toInt(), 99);
}

void TestConversationStore::closedStore_failsWithAReason()
{
    ConversationStore store;
    QCOMPARE(store.createConversation(u"t"_s, {}), 0);
    QVERIFY(store.lastError().contains(u"not open"_s));
    QVERIFY(store.conversations().isEmpty());
    QVERIFY(!store.settings(1));
    QVERIFY(!store.rename(1, u"t"_s));
}

void TestConversationStore::conversations_createListRenameRemove()
{
    const auto store = openStore();
    QVERIFY(store->conversations().isEmpty());

    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const qint64 first = store->createConversation(u"First"_s, {});
    const qint64 second = store->createConversation(u"Second"_s, {});
    QVERIFY(first > 0);
    QVERIFY(second > first);

    QList<ConversationSummary> list = store->conversations();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).id, second);
    QCOMPARE(list.at(0).title, u"Second"_s);
    QCOMPARE(list.at(1).title, u"First"_s);
    QVERIFY(list.at(1).updatedAt >= before);
    QVERIFY(list.at(1).updatedAt < list.at(0).updatedAt);

    QVERIFY(store->rename(first, u"Renamed"_s));
    list = store->conversations();
    QCOMPARE(list.at(0).id, first);
    QCOMPARE(list.at(0).title, u"Renamed"_s);

    QVERIFY(store->remove(first));
    list = store->conversations();
    QCOMPARE(idsOf(list), QList<qint64>{second});
    QVERIFY(!store->settings(first));
}

void TestConversationStore::conversations_newestUpdatedFirst()
{
    const auto store = openStore();
    const qint64 a = store->createConversation(u"a"_s, {});
    const qint64 b = store->createConversation(u"b"_s, {});
    const qint64 c = store->createConversation(u"c"_s, {});
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{c, b, a}));

    const qint64 message = store->appendMessage(a, userMessage(u"hi"_s));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{a, c, b}));
    QVERIFY(store->saveSettings(b, {}));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{b, a, c}));
    QVERIFY(store->rename(c, u"c2"_s));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{c, b, a}));
    ChatMessage edited = userMessage(u"hello"_s);
    edited.id = message;
    QVERIFY(store->updateMessage(edited));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{a, c, b}));
    const qint64 other = store->appendMessage(b, userMessage(u"x"_s));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{b, a, c}));
    QVERIFY(store->removeMessage(message));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{a, b, c}));
    QVERIFY(store->removeMessagesFrom(b, other));
    QCOMPARE(idsOf(store->conversations()), (QList<qint64>{b, a, c}));
}

void TestConversationStore::conversations_unknownIdsFail()
{
    const auto store = openStore();
    const qint64 kept = store->createConversation(u"kept"_s, {});
    const qint64 unknown = kept + 100;
    QVERIFY(!store->rename(unknown, u"x"_s));
    QVERIFY(store->lastError().contains(u"no conversation"_s));
    QVERIFY(!store->remove(unknown));
    QVERIFY(!store->saveSettings(unknown, {}));
    QVERIFY(!store->settings(unknown));
    QVERIFY(store->messages(unknown).isEmpty());
    QCOMPARE(store->conversations().size(), 1);
    QCOMPARE(store->conversations().constFirst().title, u"kept"_s);
}

void TestConversationStore::titles_areStoredVerbatim_data()
{
    QTest::addColumn<QString>("title");
    QTest::addRow("drop table") << u"'); DROP TABLE conversations; --"_s;
    QTest::addRow("bobby tables") << u"Robert'); DROP TABLE messages;--"_s;
    QTest::addRow("always true") << u"x' OR '1'='1"_s;
    QTest::addRow("double quotes") << u"\" OR \"\"=\""_s;
    QTest::addRow("placeholders") << u"? :title @id $1 %1"_s;
    QTest::addRow("like wildcards") << u"100% _done_ \\ [a-z]*"_s;
    QTest::addRow("statement end") << u"a; SELECT * FROM conversations"_s;
    QTest::addRow("newlines and tabs") << u"line one\nline two\r\n\tindented"_s;
    QTest::addRow("unicode") << u"Grüße, 東京 🚀 \u202Eevil"_s;
    QTest::addRow("embedded nul") << (u"before"_s + QChar(u'\0') + u"after"_s);
    QTest::addRow("empty") << QString();
}

void TestConversationStore::titles_areStoredVerbatim()
{
    QFETCH(QString, title);
    const auto store = openStore();
    const qint64 created = store->createConversation(title, {});
    QVERIFY2(created > 0, qPrintable(store->lastError()));
    const qint64 renamed = store->createConversation(u"plain"_s, {});
    QVERIFY(store->rename(renamed, title));

    const QList<ConversationSummary> list = store->conversations();
    QCOMPARE(list.size(), 2);
    for (const ConversationSummary &conversation : list) {
        QCOMPARE(conversation.title, title);
    }
    // Both tables are still there and work.
    QVERIFY(store->appendMessage(created, userMessage(title)) > 0);
    QCOMPARE(store->messages(created).constFirst().text, title);
}

void TestConversationStore::settings_roundTrip_data()
{
    QTest::addColumn<ChatSettings>("settings");
    QTest::addRow("defaults") << ChatSettings{};

    ChatSettings everything;
    everything.model = u"claude-sonnet-4-5"_s;
    everything.system = u"You are terse.\nVery terse."_s;
    everything.temperature = 0.7;
    everything.topP = 0.95;
    everything.topK = 40;
    everything.maxTokens = 64000;
    everything.stopSequences = {u"\n\nHuman:"_s, u"END"_s};
    everything.stream = false;
    QTest::addRow("everything set") << everything;

    ChatSettings zeros;
    zeros.temperature = 0.0;
    zeros.topP = 0.0;
    zeros.topK = 0;
    QTest::addRow("zeros are values, not unset") << zeros;

    ChatSettings ones;
    ones.temperature = 1.0;
    ones.topP = 1.0;
    ones.topK = 1;
    ones.maxTokens = 1;
    QTest::addRow("whole numbers") << ones;

    ChatSettings inexact;
    inexact.temperature = 0.1 + 0.2;
    inexact.topP = 1.0 / 3.0;
    QTest::addRow("doubles keep every bit") << inexact;

    ChatSettings onlyTopK;
    onlyTopK.topK = std::numeric_limits<int>::max();
    QTest::addRow("one optional set") << onlyTopK;

    ChatSettings awkward;
    awkward.system = u"say \"hi\"\\n"_s;
    awkward.stopSequences = {u"\"quoted\""_s,   u"it's"_s,
                             u"back\\slash"_s,  u"line\nbreak\ttab"_s,
                             u"Grüße 東京 🚀"_s, u"\u0001\u001f controls"_s,
                             u"</stop>"_s,      u" "_s,
                             QString()};
    QTest::addRow("awkward stop sequences") << awkward;

    ChatSettings tools;
    tools.toolsJson = u"[{\"name\": \"get_weather\",\n  \"input_schema\": {\"type\": \"object\"}}]"_s;
    tools.toolChoice = u"{\"type\":\"any\"}"_s;
    tools.maxTokens = 4096;
    tools.thinkingBudget = 1024;
    QTest::addRow("tools, tool choice and thinking") << tools;
}

void TestConversationStore::settings_roundTrip()
{
    QFETCH(ChatSettings, settings);
    const auto store = openStore();
    const qint64 created = store->createConversation(u"c"_s, settings);
    QVERIFY(created > 0);
    QCOMPARE(store->settings(created), settings);

    const qint64 saved = store->createConversation(u"s"_s, {});
    QVERIFY(store->saveSettings(saved, settings));
    const std::optional<ChatSettings> read = store->settings(saved);
    QVERIFY(read);
    QCOMPARE(*read, settings);
    QCOMPARE(read->temperature.has_value(), settings.temperature.has_value());
    QCOMPARE(read->topP.has_value(), settings.topP.has_value());
    QCOMPARE(read->topK.has_value(), settings.topK.has_value());
}

void TestConversationStore::settingsJson_leavesUnsetOptionalsOut()
{
    const QByteArray unset = ChatSettingsJson::write({});
    QVERIFY(!unset.contains("temperature"));
    QVERIFY(!unset.contains("top_p"));
    QVERIFY(!unset.contains("top_k"));

    ChatSettings zeros;
    zeros.temperature = 0.0;
    zeros.topP = 0.0;
    zeros.topK = 0;
    const QByteArray set = ChatSettingsJson::write(zeros);
    QVERIFY(set.contains("\"temperature\":0"));
    QVERIFY(set.contains("\"top_p\":0"));
    QVERIFY(set.contains("\"top_k\":0"));

    // A field written as null or missing reads back unset or default; a wrong type is refused.
    const auto nulls = ChatSettingsJson::read(R"({"temperature":null,"model":"m"})");
    QVERIFY(nulls);
    QVERIFY(!nulls->temperature);
    QCOMPARE(nulls->model, u"m"_s);
    QCOMPARE(nulls->maxTokens, ChatSettings{}.maxTokens);
    QVERIFY(!ChatSettingsJson::read(R"({"temperature":"hot"})"));
    QVERIFY(!ChatSettingsJson::read(R"({"top_k":1.5})"));
    QVERIFY(!ChatSettingsJson::read(R"({"stop_sequences":[1]})"));
    QVERIFY(!ChatSettingsJson::read("[]"));
    QVERIFY(!ChatSettingsJson::read("{"));
}

void TestConversationStore::messages_roundTrip_data()
{
    QTest::addColumn<ChatMessage>("message");
    QTest::addRow("user") << userMessage(u"Hello there"_s);
    QTest::addRow("empty user") << userMessage(QString());

    ChatMessage full = assistantMessage(u"The answer is 42."_s, ChatMessage::State::Complete);
    full.thinking = u"Let me think…\nSix times seven."_s;
    full.stats = {250, 4000, 12, 345, u"end_turn"_s, {}, 9}; // 9 of the 12 prompt tokens cached
    QTest::addRow("assistant with thinking and stats") << full;

    ChatMessage stopSequence = assistantMessage(u"partial"_s, ChatMessage::State::Complete);
    stopSequence.stats = {10, 20, 1, 2, u"stop_sequence"_s, u"\n\nHuman:"_s, 0};
    QTest::addRow("stopped by a stop sequence") << stopSequence;

    ChatMessage stopped = assistantMessage(u"Once upon a"_s, ChatMessage::State::Stopped);
    stopped.stats.durationMs = 1500;
    QTest::addRow("stopped by the user, no first token") << stopped;

    ChatMessage failed = assistantMessage(QString(), ChatMessage::State::Failed);
    failed.errorType = u"overloaded_error"_s;
    failed.errorMessage = u"Overloaded: \"try again\"\n(529)"_s;
    failed.stats.durationMs = 30;
    QTest::addRow("failed") << failed;

    QTest::addRow("streaming, while open") << assistantMessage(u"Stre"_s, ChatMessage::State::Streaming);

    ChatMessage extremes = assistantMessage(u"x"_s, ChatMessage::State::Complete);
    extremes.stats = {std::numeric_limits<qint64>::max(),
                      std::numeric_limits<qint64>::max(),
                      std::numeric_limits<int>::max(),
                      std::numeric_limits<int>::max(),
                      u"max_tokens"_s,
                      {},
                      std::numeric_limits<int>::max()};
    QTest::addRow("largest numbers") << extremes;

    ChatMessage withImages = userMessage(u"What is this?"_s);
    withImages.images = {{u"image/png"_s, "iVBORw0KGgo=", u"shot.png"_s}, {u"image/webp"_s, "UklGRg==", QString()}};
    QTest::addRow("user with images") << withImages;

    ChatMessage answers = userMessage(QString());
    answers.toolResults = {{u"toolu_1"_s, u"21C, clear"_s, false}, {u"toolu_2"_s, u"timeout"_s, true}};
    QTest::addRow("user with tool results") << answers;

    ChatMessage calls = assistantMessage(u"I will call two tools."_s, ChatMessage::State::Complete);
    calls.thinking = u"Two calls are needed."_s;
    calls.thinkingSignature = u"switchboard.v1.abc"_s;
    calls.toolUses = {{u"toolu_1"_s, u"get_weather"_s, u"{\"city\":\"Paris\",\"unit\":\"C\"}"_s},
                      {u"toolu_2"_s, u"get_time"_s, u"{}"_s}};
    calls.stats.stopReason = u"tool_use"_s;
    QTest::addRow("assistant with signed thinking and tool calls") << calls;

    QTest::addRow("injection and unicode")
        << userMessage(u"'); DELETE FROM messages; -- Grüße 東京 🚀 "_s + QChar(u'\0') + u"nul"_s);
}

void TestConversationStore::messages_roundTrip()
{
    QFETCH(ChatMessage, message);
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    ChatMessage stored = message;
    stored.id = 999; // ignored
    const qint64 id = store->appendMessage(conversation, stored);
    QVERIFY2(id > 0, qPrintable(store->lastError()));

    ChatMessage expected = message;
    expected.id = id;
    QCOMPARE(store->messages(conversation), QList<ChatMessage>{expected});
}

void TestConversationStore::messages_keepTheirOrder()
{
    const auto store = openStore();
    const qint64 a = store->createConversation(u"a"_s, {});
    const qint64 b = store->createConversation(u"b"_s, {});
    QList<qint64> inA;
    QList<qint64> inB;
    for (int i = 0; i < 5; ++i) {
        inA.append(store->appendMessage(a, userMessage(u"a%1"_s.arg(i))));
        inB.append(store->appendMessage(b, userMessage(u"b%1"_s.arg(i))));
    }
    const QList<ChatMessage> messages = store->messages(a);
    QCOMPARE(idsOf(messages), inA);
    QCOMPARE(messages.at(3).text, u"a3"_s);
    QCOMPARE(idsOf(store->messages(b)), inB);
}

void TestConversationStore::updateMessage_rewritesEverythingButTheRole()
{
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    const qint64 question = store->appendMessage(conversation, userMessage(u"Why?"_s));
    const qint64 reply = store->appendMessage(conversation, assistantMessage(QString(), ChatMessage::State::Streaming));

    ChatMessage update = userMessage(u"Because."_s); // a wrong role, which must not stick
    update.id = reply;
    update.thinking = u"hmm"_s;
    update.state = ChatMessage::State::Failed;
    update.stats = {100, 900, 5, 6, u"refusal"_s, u"stop"_s, 4};
    update.errorType = u"api_error"_s;
    update.errorMessage = u"boom"_s;
    QVERIFY2(store->updateMessage(update), qPrintable(store->lastError()));

    ChatMessage expected = update;
    expected.role = ChatMessage::Role::Assistant;
    const QList<ChatMessage> messages = store->messages(conversation);
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).id, question);
    QCOMPARE(messages.at(0).text, u"Why?"_s);
    QCOMPARE(messages.at(1), expected);
}

void TestConversationStore::updateMessage_unknownIdFails()
{
    const auto store = openStore();
    ChatMessage message = userMessage(u"x"_s);
    QVERIFY(!store->updateMessage(message));
    message.id = 12345;
    QVERIFY(!store->updateMessage(message));
    QVERIFY(store->lastError().contains(u"no message"_s));
}

void TestConversationStore::removeMessagesFrom_removesTheMessageAndLaterOnes()
{
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    const qint64 other = store->createConversation(u"other"_s, {});
    QList<qint64> ids;
    QList<qint64> otherIds;
    for (int i = 0; i < 5; ++i) {
        ids.append(store->appendMessage(conversation, userMessage(QString::number(i))));
        otherIds.append(store->appendMessage(other, userMessage(QString::number(i))));
    }

    QVERIFY2(store->removeMessagesFrom(conversation, ids.at(2)), qPrintable(store->lastError()));
    QCOMPARE(idsOf(store->messages(conversation)), ids.mid(0, 2));
    QCOMPARE(idsOf(store->messages(other)), otherIds);

    // Appending after the cut continues the conversation.
    const qint64 resent = store->appendMessage(conversation, userMessage(u"again"_s));
    QCOMPARE(idsOf(store->messages(conversation)), (QList<qint64>{ids.at(0), ids.at(1), resent}));

    QVERIFY(store->removeMessagesFrom(conversation, ids.at(0)));
    QVERIFY(store->messages(conversation).isEmpty());
    QCOMPARE(idsOf(store->messages(other)), otherIds);
}

void TestConversationStore::removeMessagesFrom_refusesAMessageOfAnotherConversation()
{
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    const qint64 other = store->createConversation(u"other"_s, {});
    const qint64 mine = store->appendMessage(conversation, userMessage(u"mine"_s));
    const qint64 theirs = store->appendMessage(other, userMessage(u"theirs"_s));

    QVERIFY(!store->removeMessagesFrom(conversation, theirs));
    QVERIFY(store->lastError().contains(u"not in conversation"_s));
    QVERIFY(!store->removeMessagesFrom(conversation, theirs + 100));
    QCOMPARE(idsOf(store->messages(conversation)), QList<qint64>{mine});
    QCOMPARE(idsOf(store->messages(other)), QList<qint64>{theirs});
}

void TestConversationStore::removeMessage_removesOnlyThatOne()
{
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    const qint64 first = store->appendMessage(conversation, userMessage(u"1"_s));
    const qint64 second = store->appendMessage(conversation, userMessage(u"2"_s));
    const qint64 third = store->appendMessage(conversation, userMessage(u"3"_s));

    QVERIFY(store->removeMessage(second));
    QCOMPARE(idsOf(store->messages(conversation)), (QList<qint64>{first, third}));
    QVERIFY(!store->removeMessage(second));
    QVERIFY(store->lastError().contains(u"no message"_s));
}

void TestConversationStore::remove_takesTheMessagesWithIt()
{
    const auto store = openStore();
    const qint64 removed = store->createConversation(u"removed"_s, {});
    const qint64 kept = store->createConversation(u"kept"_s, {});
    const qint64 message = store->appendMessage(removed, userMessage(u"gone"_s));
    const qint64 keptMessage = store->appendMessage(kept, userMessage(u"stays"_s));

    QVERIFY(store->remove(removed));
    QVERIFY(store->messages(removed).isEmpty());
    QVERIFY(!store->removeMessage(message)); // the row itself is gone, not just hidden
    QCOMPARE(rawQuery(path(), u"SELECT COUNT(*) FROM messages"_s).toInt(), 1);
    QCOMPARE(idsOf(store->messages(kept)), QList<qint64>{keptMessage});
}

void TestConversationStore::appendMessage_toAnUnknownConversationFails()
{
    const auto store = openStore();
    const qint64 conversation = store->createConversation(u"c"_s, {});
    QCOMPARE(store->appendMessage(conversation + 1, userMessage(u"x"_s)), 0);
    QVERIFY(store->lastError().contains(u"no conversation"_s));
    QCOMPARE(rawQuery(path(), u"SELECT COUNT(*) FROM messages"_s).toInt(), 0);
}

void TestConversationStore::reopen_seesEverything()
{
    ChatSettings settings;
    settings.model = u"claude-opus-4-1"_s;
    settings.temperature = 0.0;
    settings.stopSequences = {u"\"end\"\n"_s};

    QList<ConversationSummary> conversations;
    QList<ChatMessage> messages;
    qint64 first = 0;
    {
        const auto store = openStore();
        first = store->createConversation(u"First"_s, settings);
        const qint64 second = store->createConversation(u"Second"_s, {});
        store->appendMessage(first, userMessage(u"Question"_s));
        ChatMessage answer = assistantMessage(u"Answer"_s, ChatMessage::State::Complete);
        answer.thinking = u"thought"_s;
        answer.stats = {5, 50, 3, 4, u"end_turn"_s, {}, 0};
        store->appendMessage(first, answer);
        QVERIFY(store->rename(second, u"Second, renamed"_s));
        conversations = store->conversations();
        messages = store->messages(first);
    }

    const auto reopened = openStore();
    QVERIFY(reopened->isOpen());
    QCOMPARE(reopened->conversations(), conversations);
    QCOMPARE(reopened->messages(first), messages);
    QCOMPARE(reopened->settings(first), settings);
    QCOMPARE(messages.size(), 2);
}

void TestConversationStore::reopen_stopsInterruptedReplies_data()
{
    QTest::addColumn<bool>("closeFirst");
    // The first store still open is what a killed app leaves: its writes only in the WAL.
    QTest::addRow("after a kill") << false;
    QTest::addRow("after a clean close") << true;
}

void TestConversationStore::reopen_stopsInterruptedReplies()
{
    QFETCH(bool, closeFirst);
    auto first = openStore();
    const qint64 conversation = first->createConversation(u"c"_s, {});
    const qint64 other = first->createConversation(u"other"_s, {});
    first->appendMessage(conversation, userMessage(u"Tell me a story"_s));
    const qint64 reply =
        first->appendMessage(conversation, assistantMessage(u"Once upon a"_s, ChatMessage::State::Streaming));
    first->appendMessage(other, assistantMessage(u"done"_s, ChatMessage::State::Complete));
    first->appendMessage(other, assistantMessage(QString(), ChatMessage::State::Failed));
    const QList<ConversationSummary> order = first->conversations();
    QList<ChatMessage> expected = first->messages(conversation);
    const QList<ChatMessage> expectedOther = first->messages(other);
    if (closeFirst) {
        first.reset();
    }

    const auto second = openStore();
    QVERIFY(second->isOpen());
    expected[1].state = ChatMessage::State::Stopped;
    QCOMPARE(second->messages(conversation), expected);
    QCOMPARE(second->messages(conversation).at(1).id, reply);
    QCOMPARE(second->messages(other), expectedOther);
    QCOMPARE(second->conversations(), order);
}

void TestConversationStore::open_migratesASchema1File()
{
    // A file as Switchboard wrote it before blocks existed: schema 1's tables, one conversation.
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QSqlQuery query(db);
        const QStringList statements = {
            u"CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
            " settings TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"_s,
            u"CREATE INDEX conversations_by_update ON conversations (updated_at)"_s,
            u"CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
            " role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), text TEXT NOT NULL, thinking TEXT NOT NULL,"
            " state TEXT NOT NULL CHECK (state IN ('complete', 'streaming', 'stopped', 'failed')),"
            " ttft_ms INTEGER NOT NULL, duration_ms INTEGER NOT NULL, input_tokens INTEGER NOT NULL,"
            " output_tokens INTEGER NOT NULL, stop_reason TEXT NOT NULL, stop_sequence TEXT NOT NULL,"
            " error_type TEXT NOT NULL, error_message TEXT NOT NULL)"_s,
            u"CREATE INDEX messages_by_conversation ON messages (conversation_id, id)"_s,
            u"CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'"_s,
            u"INSERT INTO conversations VALUES (1, 'old', '{\"model\":\"m\",\"max_tokens\":77}', 1, 2)"_s,
            u"INSERT INTO messages VALUES (1, 1, 'user', 'hello', '', 'complete', -1, 0, 0, 0, '', '', '', '')"_s,
            u"INSERT INTO messages VALUES (2, 1, 'assistant', 'hi', 'greet', 'complete', 5, 9, 3, 4, 'end_turn',"
            " '', '', '')"_s,
            u"PRAGMA user_version = 1"_s,
        };
        for (const QString &statement : statements) {
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        }
        query = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);

    const auto store = openStore();
    QVERIFY(store->isOpen());
    QCOMPARE(rawQuery(path(), u"PRAGMA user_version"_s).toInt(), 3);
    QCOMPARE(store->settings(1)->maxTokens, 77);
    const QList<ChatMessage> old = store->messages(1);
    QCOMPARE(old.size(), 2);
    QCOMPARE(old[0].text, u"hello"_s);
    QCOMPARE(old[1].thinking, u"greet"_s);
    QCOMPARE(old[1].stats.outputTokens, 4);
    QCOMPARE(old[1].stats.cachedInputTokens, 0); // schema 3's column, unknown to a schema 1 file
    QVERIFY(old[1].toolUses.isEmpty() && old[0].images.isEmpty());

    // The migrated file takes messages with blocks, and gives them back.
    ChatMessage call = assistantMessage(QString(), ChatMessage::State::Complete);
    call.toolUses = {{u"toolu_1"_s, u"f"_s, u"{}"_s}};
    const qint64 id = store->appendMessage(1, call);
    QVERIFY2(id > 0, qPrintable(store->lastError()));
    call.id = id;
    QCOMPARE(store->messages(1).last(), call);
    call.toolUses.append({u"toolu_2"_s, u"g"_s, u"{\"a\":1}"_s});
    call.stats.cachedInputTokens = 40;
    QVERIFY(store->updateMessage(call));
    QCOMPARE(store->messages(1).last(), call);
}

QTEST_GUILESS_MAIN(TestConversationStore)
#include "tst_conversationstore.moc"
