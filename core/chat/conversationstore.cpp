// SPDX-License-Identifier: MIT
#include "conversationstore.h"

#include "chatblocksjson.h"
#include "chatsettingsjson.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtSql/QSqlError>

#include <atomic>

using namespace Qt::StringLiterals;

namespace Switchboard::Core {

namespace {

// migrations()[v] takes a file from user_version v to v + 1. Only ever append: files in the wild
// have run the earlier steps.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        {
            u"CREATE TABLE conversations ("
            "    id INTEGER PRIMARY KEY AUTOINCREMENT," // AUTOINCREMENT: a stale id never names a newer row
            "    title TEXT NOT NULL,"
            "    settings TEXT NOT NULL,"      // ChatSettingsJson
            "    created_at INTEGER NOT NULL," // milliseconds since the epoch
            "    updated_at INTEGER NOT NULL)"_s,
            u"CREATE INDEX conversations_by_update ON conversations (updated_at)"_s,
            u"CREATE TABLE messages ("
            "    id INTEGER PRIMARY KEY AUTOINCREMENT,"
            "    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
            "    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),"
            "    text TEXT NOT NULL,"
            "    thinking TEXT NOT NULL,"
            "    state TEXT NOT NULL CHECK (state IN ('complete', 'streaming', 'stopped', 'failed')),"
            "    ttft_ms INTEGER NOT NULL,"
            "    duration_ms INTEGER NOT NULL,"
            "    input_tokens INTEGER NOT NULL,"
            "    output_tokens INTEGER NOT NULL,"
            "    stop_reason TEXT NOT NULL,"
            "    stop_sequence TEXT NOT NULL,"
            "    error_type TEXT NOT NULL,"
            "    error_message TEXT NOT NULL)"_s,
            u"CREATE INDEX messages_by_conversation ON messages (conversation_id, id)"_s,
            u"CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'"_s,
        },
        {
            // Images, tool calls, tool results and the thinking's signature (ChatBlocksJson); empty
            // for a message of text alone, which every message written by schema 1 is.
            u"ALTER TABLE messages ADD COLUMN blocks TEXT NOT NULL DEFAULT ''"_s,
        },
        {
            // The part of the prompt the backend had cached (usage.cache_read_input_tokens).
            u"ALTER TABLE messages ADD COLUMN cached_input_tokens INTEGER NOT NULL DEFAULT 0"_s,
        },
    };
    return steps;
}

// A conversation's new updated_at: now, but always later than every other one, so that the last
// conversation written is first in the list even within one millisecond or after the clock stepped
// back.
QString nextUpdatedAt()
{
    return u"MAX(?, COALESCE((SELECT MAX(updated_at) FROM conversations) + 1, 0))"_s;
}

QString roleName(ChatMessage::Role role)
{
    switch (role) {
    case ChatMessage::Role::User:
        return u"user"_s;
    case ChatMessage::Role::Assistant:
        return u"assistant"_s;
    }
    return u"user"_s;
}

ChatMessage::Role roleFromName(const QString &name)
{
    return name == u"assistant" ? ChatMessage::Role::Assistant : ChatMessage::Role::User;
}

QString stateName(ChatMessage::State state)
{
    switch (state) {
    case ChatMessage::State::Complete:
        return u"complete"_s;
    case ChatMessage::State::Streaming:
        return u"streaming"_s;
    case ChatMessage::State::Stopped:
        return u"stopped"_s;
    case ChatMessage::State::Failed:
        return u"failed"_s;
    }
    return u"complete"_s;
}

ChatMessage::State stateFromName(const QString &name)
{
    if (name == u"streaming") {
        return ChatMessage::State::Streaming;
    }
    if (name == u"stopped") {
        return ChatMessage::State::Stopped;
    }
    if (name == u"failed") {
        return ChatMessage::State::Failed;
    }
    return ChatMessage::State::Complete;
}

// A null QString binds as SQL NULL; the text columns are NOT NULL and an empty string is meant.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QString(u""_s)) : QVariant(value);
}

// The values of the columns updateMessage() rewrites, in the order the statements name them.
QVariantList mutableValues(const ChatMessage &message)
{
    const ReplyStats &stats = message.stats;
    return {text(message.text),       text(message.thinking),     stateName(message.state),
            stats.timeToFirstTokenMs, stats.durationMs,           stats.inputTokens,
            stats.outputTokens,       text(stats.stopReason),     text(stats.stopSequence),
            text(message.errorType),  text(message.errorMessage), text(ChatBlocksJson::write(message)),
            stats.cachedInputTokens};
}

// Reads a row of `SELECT id, role, <the mutable columns>`.
ChatMessage messageFromRow(const QSqlQuery &row)
{
    ChatMessage message;
    message.id = row.value(0).toLongLong();
    message.role = roleFromName(row.value(1).toString());
    message.text = row.value(2).toString();
    message.thinking = row.value(3).toString();
    message.state = stateFromName(row.value(4).toString());
    message.stats.timeToFirstTokenMs = row.value(5).toLongLong();
    message.stats.durationMs = row.value(6).toLongLong();
    message.stats.inputTokens = row.value(7).toInt();
    message.stats.outputTokens = row.value(8).toInt();
    message.stats.stopReason = row.value(9).toString();
    message.stats.stopSequence = row.value(10).toString();
    message.errorType = row.value(11).toString();
    message.errorMessage = row.value(12).toString();
    ChatBlocksJson::read(row.value(13).toString(), message);
    message.stats.cachedInputTokens = row.value(14).toInt();
    return message;
}

QString newConnectionName()
{
    static std::atomic<quint64> count = 0;
    return u"switchboard-conversations-%1"_s.arg(++count);
}

} // namespace

ConversationStore::ConversationStore()
    : m_connectionName(newConnectionName())
    , m_db(QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName))
{}

ConversationStore::~ConversationStore()
{
    m_db.close();
    m_db = QSqlDatabase(); // removeDatabase() complains while any handle to the connection lives
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool ConversationStore::open(const QString &path)
{
    if (!m_db.isValid()) {
        return fail(u"Qt's SQLite driver (QSQLITE) is missing; on Debian it is in libqt6sql6-sqlite"_s);
    }
    if (m_db.isOpen()) {
        return fail(u"the store is already open"_s);
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        return fail(u"cannot create the directory for %1"_s.arg(path));
    }
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        return fail(u"cannot open %1: %2"_s.arg(path, m_db.lastError().text()));
    }
    if (!configureConnection() || !migrate() || !stopInterruptedReplies()) {
        m_db.close();
        return false;
    }
    return true;
}

bool ConversationStore::configureConnection()
{
    // Foreign keys are off by default in SQLite; removing a conversation relies on its cascade.
    // WAL lets a reader run beside a writer, and with it synchronous=NORMAL loses nothing
    // committed when the app crashes or is killed (only a power cut can drop the last commits).
    return exec(u"PRAGMA foreign_keys = ON"_s) && exec(u"PRAGMA journal_mode = WAL"_s) &&
           exec(u"PRAGMA synchronous = NORMAL"_s);
}

bool ConversationStore::migrate()
{
    return inTransaction([this] {
        auto version = exec(u"PRAGMA user_version"_s);
        if (!version || !version->next()) {
            return false;
        }
        const int current = version->value(0).toInt();
        const int latest = int(migrations().size());
        if (current > latest) {
            return fail(u"%1 was written by a newer Switchboard (schema %2, this one knows %3)"_s.arg(
                m_db.databaseName(), QString::number(current), QString::number(latest)));
        }
        for (int step = current; step < latest; ++step) {
            for (const QString &statement : migrations().at(step)) {
                if (!exec(statement)) {
                    return false;
                }
            }
        }
        // A pragma takes no bound values; the number is ours.
        return current == latest || exec(u"PRAGMA user_version = %1"_s.arg(latest)).has_value();
    });
}

bool ConversationStore::stopInterruptedReplies()
{
    // A reply still streaming at open was cut off when the app died: keep its partial text as a
    // stopped reply. Its conversation keeps its place in the list; nobody touched it just now.
    return exec(u"UPDATE messages SET state = 'stopped' WHERE state = 'streaming'"_s).has_value();
}

QList<ConversationSummary> ConversationStore::conversations() const
{
    QList<ConversationSummary> list;
    auto rows = exec(u"SELECT id, title, updated_at FROM conversations ORDER BY updated_at DESC, id DESC"_s);
    while (rows && rows->next()) {
        list.append({rows->value(0).toLongLong(), rows->value(1).toString(),
                     QDateTime::fromMSecsSinceEpoch(rows->value(2).toLongLong(), Qt::UTC)});
    }
    return list;
}

qint64 ConversationStore::createConversation(const QString &title, const ChatSettings &settings)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto insert =
        exec(u"INSERT INTO conversations (title, settings, created_at, updated_at) VALUES (?, ?, ?, "_s %
                 nextUpdatedAt() % u")"_s,
             {text(title), QString::fromUtf8(ChatSettingsJson::write(settings)), now, now});
    return insert ? insert->lastInsertId().toLongLong() : 0;
}

bool ConversationStore::rename(qint64 conversationId, const QString &title)
{
    const auto update =
        exec(u"UPDATE conversations SET title = ?, updated_at = "_s % nextUpdatedAt() % u" WHERE id = ?"_s,
             {text(title), QDateTime::currentMSecsSinceEpoch(), conversationId});
    if (!update) {
        return false;
    }
    return update->numRowsAffected() == 1 || fail(u"there is no conversation %1"_s.arg(conversationId));
}

bool ConversationStore::remove(qint64 conversationId)
{
    // The messages go with it (ON DELETE CASCADE).
    const auto removal = exec(u"DELETE FROM conversations WHERE id = ?"_s, {conversationId});
    if (!removal) {
        return false;
    }
    return removal->numRowsAffected() == 1 || fail(u"there is no conversation %1"_s.arg(conversationId));
}

std::optional<ChatSettings> ConversationStore::settings(qint64 conversationId) const
{
    auto row = exec(u"SELECT settings FROM conversations WHERE id = ?"_s, {conversationId});
    if (!row) {
        return std::nullopt;
    }
    if (!row->next()) {
        fail(u"there is no conversation %1"_s.arg(conversationId));
        return std::nullopt;
    }
    auto settings = ChatSettingsJson::read(row->value(0).toString().toUtf8());
    if (!settings) {
        fail(u"the settings of conversation %1 are not readable"_s.arg(conversationId));
    }
    return settings;
}

bool ConversationStore::saveSettings(qint64 conversationId, const ChatSettings &settings)
{
    const auto update = exec(
        u"UPDATE conversations SET settings = ?, updated_at = "_s % nextUpdatedAt() % u" WHERE id = ?"_s,
        {QString::fromUtf8(ChatSettingsJson::write(settings)), QDateTime::currentMSecsSinceEpoch(), conversationId});
    if (!update) {
        return false;
    }
    return update->numRowsAffected() == 1 || fail(u"there is no conversation %1"_s.arg(conversationId));
}

QList<ChatMessage> ConversationStore::messages(qint64 conversationId) const
{
    QList<ChatMessage> list;
    auto rows = exec(u"SELECT id, role, text, thinking, state, ttft_ms, duration_ms, input_tokens, output_tokens,"
                     " stop_reason, stop_sequence, error_type, error_message, blocks, cached_input_tokens"
                     " FROM messages WHERE conversation_id = ? ORDER BY id"_s,
                     {conversationId});
    while (rows && rows->next()) {
        list.append(messageFromRow(*rows));
    }
    return list;
}

qint64 ConversationStore::appendMessage(qint64 conversationId, const ChatMessage &message)
{
    qint64 id = 0;
    const bool committed = inTransaction([&] {
        // Touching first also checks that the conversation exists, with a clearer error than the
        // foreign key's.
        if (!touch(conversationId)) {
            return false;
        }
        const auto insert = exec(u"INSERT INTO messages (conversation_id, role, text, thinking, state, ttft_ms,"
                                 " duration_ms, input_tokens, output_tokens, stop_reason, stop_sequence, error_type,"
                                 " error_message, blocks, cached_input_tokens)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                                 QVariantList{conversationId, roleName(message.role)} + mutableValues(message));
        if (!insert) {
            return false;
        }
        id = insert->lastInsertId().toLongLong();
        return true;
    });
    return committed ? id : 0;
}

bool ConversationStore::updateMessage(const ChatMessage &message)
{
    return inTransaction([&] {
        const auto conversationId = conversationOf(message.id);
        if (!conversationId) {
            return false;
        }
        const auto update = exec(u"UPDATE messages SET text = ?, thinking = ?, state = ?, ttft_ms = ?, duration_ms = ?,"
                                 " input_tokens = ?, output_tokens = ?, stop_reason = ?, stop_sequence = ?,"
                                 " error_type = ?, error_message = ?, blocks = ?, cached_input_tokens = ?"
                                 " WHERE id = ?"_s,
                                 mutableValues(message) + QVariantList{message.id});
        return update && touch(*conversationId);
    });
}

bool ConversationStore::removeMessagesFrom(qint64 conversationId, qint64 messageId)
{
    return inTransaction([&] {
        const auto owner = conversationOf(messageId);
        if (!owner) {
            return false;
        }
        if (*owner != conversationId) {
            return fail(u"message %1 is not in conversation %2"_s.arg(messageId).arg(conversationId));
        }
        // Ids only grow, so "later" is "a greater id".
        return exec(u"DELETE FROM messages WHERE conversation_id = ? AND id >= ?"_s, {conversationId, messageId}) &&
               touch(conversationId);
    });
}

bool ConversationStore::removeMessage(qint64 messageId)
{
    return inTransaction([&] {
        const auto conversationId = conversationOf(messageId);
        return conversationId && exec(u"DELETE FROM messages WHERE id = ?"_s, {messageId}) && touch(*conversationId);
    });
}

std::optional<qint64> ConversationStore::conversationOf(qint64 messageId) const
{
    auto row = exec(u"SELECT conversation_id FROM messages WHERE id = ?"_s, {messageId});
    if (!row) {
        return std::nullopt;
    }
    if (!row->next()) {
        fail(u"there is no message %1"_s.arg(messageId));
        return std::nullopt;
    }
    return row->value(0).toLongLong();
}

bool ConversationStore::touch(qint64 conversationId)
{
    const auto update = exec(u"UPDATE conversations SET updated_at = "_s % nextUpdatedAt() % u" WHERE id = ?"_s,
                             {QDateTime::currentMSecsSinceEpoch(), conversationId});
    if (!update) {
        return false;
    }
    return update->numRowsAffected() == 1 || fail(u"there is no conversation %1"_s.arg(conversationId));
}

std::optional<QSqlQuery> ConversationStore::exec(const QString &sql, const QVariantList &values) const
{
    if (!m_db.isOpen()) {
        fail(u"the store is not open"_s);
        return std::nullopt;
    }
    QSqlQuery query(m_db);
    query.setForwardOnly(true); // every caller reads its rows once, in order
    if (!query.prepare(sql)) {
        fail(query.lastError().text());
        return std::nullopt;
    }
    for (const QVariant &value : values) {
        query.addBindValue(value);
    }
    if (!query.exec()) {
        fail(query.lastError().text());
        return std::nullopt;
    }
    return query;
}

bool ConversationStore::inTransaction(const std::function<bool()> &work)
{
    // IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes
    // fails at once, without waiting, when another connection wrote in between.
    if (!exec(u"BEGIN IMMEDIATE"_s)) {
        return false;
    }
    if (work() && exec(u"COMMIT"_s)) {
        return true;
    }
    const QString error = m_lastError; // ROLLBACK must not hide why
    exec(u"ROLLBACK"_s);
    m_lastError = error;
    return false;
}

bool ConversationStore::fail(const QString &message) const
{
    m_lastError = message;
    return false;
}

} // namespace Switchboard::Core
