// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "chatsettings.h"
#include "conversationsummary.h"

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QVariantList>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

#include <functional>
#include <optional>

namespace Switchboard::Core {

// The playground's conversations and their messages in one SQLite file.
//
// Each store has its own named connection, so several can be open at once (also on the same file).
// Use a store from the thread that opened it: that is a rule of QSqlDatabase. Writes report
// failure by returning false or 0; lastError() then says why. Every write to a conversation or
// its messages makes it the most recently updated one.
class ConversationStore
{
public:
    ConversationStore();
    ~ConversationStore();
    Q_DISABLE_COPY_MOVE(ConversationStore)

    // Opens or creates the file (and its directory), migrates the schema, and marks replies that
    // were still streaming when the app last died as stopped.
    bool open(const QString &path);
    bool isOpen() const { return m_db.isOpen(); }
    QString lastError() const { return m_lastError; }

    // Newest updated first.
    QList<ConversationSummary> conversations() const;
    // The new conversation's id, or 0.
    qint64 createConversation(const QString &title, const ChatSettings &settings);
    bool rename(qint64 conversationId, const QString &title);
    // Removes the conversation and its messages.
    bool remove(qint64 conversationId);
    std::optional<ChatSettings> settings(qint64 conversationId) const;
    bool saveSettings(qint64 conversationId, const ChatSettings &settings);

    // In the order they were appended.
    QList<ChatMessage> messages(qint64 conversationId) const;
    // The new message's id, or 0. `message.id` is ignored.
    qint64 appendMessage(qint64 conversationId, const ChatMessage &message);
    // Rewrites the message with `message.id`: text, thinking, blocks, state, stats and error. The
    // role stays.
    bool updateMessage(const ChatMessage &message);
    // Removes the message and every later one of its conversation: "edit and resend", "delete turn".
    bool removeMessagesFrom(qint64 conversationId, qint64 messageId);
    bool removeMessage(qint64 messageId);

private:
    bool configureConnection();
    bool migrate();
    bool stopInterruptedReplies();
    // Runs `sql` with `values` bound in order; nothing (and lastError set) on failure.
    std::optional<QSqlQuery> exec(const QString &sql, const QVariantList &values = {}) const;
    // Runs `work` in a transaction, committed only when it returns true.
    bool inTransaction(const std::function<bool()> &work);
    std::optional<qint64> conversationOf(qint64 messageId) const;
    bool touch(qint64 conversationId);
    bool fail(const QString &message) const;

    QString m_connectionName;
    QSqlDatabase m_db;
    mutable QString m_lastError;
};

} // namespace Switchboard::Core
