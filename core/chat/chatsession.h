// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "chatsettings.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>

namespace Switchboard::Core {

class ChatMessageModel;
class ConversationListModel;
class ConversationStore;
class MessagesClient;

// The playground's conversations: which one is open, its turns and settings, and the reply under
// way. Every change is written to the store as it happens (a sent message before its request goes
// out, a streaming reply every second), so a crash or a kill loses no sent message.
class ChatSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatSession)

public:
    ChatSession(ConversationStore &store, MessagesClient &client, QObject *parent = nullptr);
    ~ChatSession() override;

    ConversationListModel *conversations() const { return m_conversations; }
    ChatMessageModel *messages() const { return m_messages; }
    MessagesClient &client() const { return m_client; }

    // Opens the most recent conversation, or a new one when there is none.
    void restore(const ChatSettings &defaults);
    qint64 currentConversation() const { return m_current; }
    void openConversation(qint64 id);
    qint64 newConversation();
    bool renameConversation(qint64 id, const QString &title);
    bool deleteConversation(qint64 id);

    const ChatSettings &settings() const { return m_settings; }
    void setSettings(const ChatSettings &settings);

    bool isBusy() const { return m_replyRow >= 0; }
    // Each returns false when it cannot be done now (busy, empty text, wrong row).
    bool send(const QString &text);
    // A question with images (text may then be empty).
    bool send(const QString &text, const QList<ChatImage> &images);
    // Answers the tool calls of the newest reply with a user turn of tool_result blocks, and asks
    // for the next reply. False unless the newest message is a reply with tool calls.
    bool answerToolUses(const QList<ChatToolResult> &results);
    void stop();
    bool regenerate();
    bool editAndResend(int row, const QString &text);
    bool deleteTurn(int row);
    // A captured Messages request as a new conversation: its model, system prompt, parameters,
    // tools and thinking, and its turns with their images, tool calls and results (other blocks
    // become a note). Returns the conversation's id, or 0 when `body` is
    // not a Messages request.
    qint64 importRequest(const QByteArray &body);

    // The request the next send would make, without the new message: for "Get code".
    QByteArray requestBody() const;
    QString lastReplyText() const;

Q_SIGNALS:
    void busyChanged(bool busy);
    void currentConversationChanged(qint64 id);
    void settingsChanged();
    void storeFailed(const QString &message);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void reloadConversations();
    void startReply();
    void finishReply(ChatMessage::State state, const ReplyStats &stats, const QString &errorType = {},
                     const QString &errorMessage = {});
    void persistReply();
    void checkStore(bool ok);
    void touchTitle(const QString &firstMessage);

    ConversationStore &m_store;
    MessagesClient &m_client;
    ConversationListModel *m_conversations;
    ChatMessageModel *m_messages;
    ChatSettings m_settings;
    ChatSettings m_defaults;
    qint64 m_current = 0;
    int m_replyRow = -1;
    QBasicTimer m_persist;
};

} // namespace Switchboard::Core
