// SPDX-License-Identifier: MIT
#include "chatsession.h"

#include "chatmessagemodel.h"
#include "client/messagesclient.h"
#include "codesnippets.h"
#include "conversationlistmodel.h"
#include "conversationstore.h"
#include "json/jsonparser.h"
#include "tooldefinitions.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTimerEvent>

#include <string>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

constexpr int PersistIntervalMs = 1000;

QString defaultTitle()
{
    return ChatSession::tr("New conversation");
}

} // namespace

ChatSession::ChatSession(ConversationStore &store, MessagesClient &client, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
    , m_conversations(new ConversationListModel(this))
    , m_messages(new ChatMessageModel(this))
{
    connect(&m_client, &MessagesClient::textDelta, this, [this](const QString &text) {
        if (isBusy()) {
            m_messages->appendText(m_replyRow, text);
        }
    });
    connect(&m_client, &MessagesClient::thinkingDelta, this, [this](const QString &text) {
        if (isBusy()) {
            m_messages->appendThinking(m_replyRow, text);
        }
    });
    connect(&m_client, &MessagesClient::thinkingSigned, this, [this](const QString &signature) {
        if (isBusy()) {
            m_messages->setThinkingSignature(m_replyRow, signature);
        }
    });
    connect(&m_client, &MessagesClient::toolUseFinished, this,
            [this](const QString &id, const QString &name, const QString &inputJson) {
                if (isBusy()) {
                    m_messages->appendToolUse(m_replyRow, {id, name, inputJson});
                }
            });
    connect(&m_client, &MessagesClient::finished, this,
            [this](const ReplyStats &stats) { finishReply(ChatMessage::State::Complete, stats); });
    connect(&m_client, &MessagesClient::cancelled, this,
            [this](const ReplyStats &stats) { finishReply(ChatMessage::State::Stopped, stats); });
    connect(&m_client, &MessagesClient::failed, this,
            [this](const QString &type, const QString &message, const ReplyStats &stats) {
                finishReply(ChatMessage::State::Failed, stats, type, message);
            });
}

ChatSession::~ChatSession()
{
    // A reply still arriving is kept as far as it got.
    if (isBusy()) {
        m_client.cancel();
    }
}

void ChatSession::checkStore(bool ok)
{
    if (!ok) {
        Q_EMIT storeFailed(m_store.lastError());
    }
}

void ChatSession::reloadConversations()
{
    m_conversations->setConversations(m_store.conversations());
}

void ChatSession::restore(const ChatSettings &defaults)
{
    m_defaults = defaults;
    const auto all = m_store.conversations();
    if (all.isEmpty()) {
        newConversation();
        return;
    }
    m_conversations->setConversations(all);
    openConversation(all.first().id);
}

void ChatSession::openConversation(qint64 id)
{
    if (isBusy()) {
        stop();
    }
    m_current = id;
    m_settings = m_store.settings(id).value_or(m_defaults);
    m_messages->setMessages(m_store.messages(id));
    Q_EMIT settingsChanged();
    Q_EMIT currentConversationChanged(id);
}

qint64 ChatSession::newConversation()
{
    // A new conversation starts from the current one's settings: the usual next step is another
    // question to the same model.
    const ChatSettings settings = m_current ? m_settings : m_defaults;
    const qint64 id = m_store.createConversation(defaultTitle(), settings);
    checkStore(id != 0);
    if (id == 0) {
        return 0;
    }
    reloadConversations();
    openConversation(id);
    return id;
}

bool ChatSession::renameConversation(qint64 id, const QString &title)
{
    const QString trimmed = title.simplified();
    if (trimmed.isEmpty()) {
        return false;
    }
    const bool ok = m_store.rename(id, trimmed);
    checkStore(ok);
    reloadConversations();
    return ok;
}

bool ChatSession::deleteConversation(qint64 id)
{
    if (id == m_current && isBusy()) {
        stop();
    }
    const bool ok = m_store.remove(id);
    checkStore(ok);
    if (!ok) {
        return false;
    }
    reloadConversations();
    if (id == m_current) {
        m_current = 0;
        const auto all = m_store.conversations();
        if (all.isEmpty()) {
            newConversation();
        } else {
            openConversation(all.first().id);
        }
    }
    return true;
}

void ChatSession::setSettings(const ChatSettings &settings)
{
    if (settings == m_settings) {
        return;
    }
    m_settings = settings;
    if (m_current) {
        checkStore(m_store.saveSettings(m_current, settings));
    }
    Q_EMIT settingsChanged();
}

void ChatSession::touchTitle(const QString &firstMessage)
{
    // The list model already holds the titles: no need to read every conversation back per send.
    const int row = m_conversations->rowOf(m_current);
    if (row < 0 || m_conversations->index(row).data().toString() != defaultTitle()) {
        return;
    }
    QString title = firstMessage.section(u'\n', 0, 0).simplified();
    if (title.size() > 60) {
        title = title.left(59) + u'…';
    }
    if (!title.isEmpty()) {
        m_store.rename(m_current, title);
    }
}

bool ChatSession::send(const QString &text)
{
    return send(text, {});
}

bool ChatSession::send(const QString &text, const QList<ChatImage> &images)
{
    if (isBusy() || (text.trimmed().isEmpty() && images.isEmpty()) || !m_current) {
        return false;
    }
    ChatMessage message;
    message.role = ChatMessage::Role::User;
    message.text = text;
    message.images = images;
    message.id = m_store.appendMessage(m_current, message); // stored before anything is sent
    checkStore(message.id != 0);
    touchTitle(text);
    m_messages->append(message);
    reloadConversations();
    startReply();
    return true;
}

bool ChatSession::answerToolUses(const QList<ChatToolResult> &results)
{
    const int rows = m_messages->rowCount();
    if (isBusy() || !m_current || rows == 0 || results.isEmpty()) {
        return false;
    }
    const ChatMessage &last = m_messages->at(rows - 1);
    if (last.role != ChatMessage::Role::Assistant || last.toolUses.isEmpty()) {
        return false;
    }
    ChatMessage message;
    message.role = ChatMessage::Role::User;
    message.toolResults = results;
    message.id = m_store.appendMessage(m_current, message);
    checkStore(message.id != 0);
    m_messages->append(message);
    reloadConversations();
    startReply();
    return true;
}

void ChatSession::startReply()
{
    const QByteArray body = CodeSnippets::requestBody(m_settings, m_messages->messages());
    ChatMessage reply;
    reply.role = ChatMessage::Role::Assistant;
    reply.state = ChatMessage::State::Streaming;
    reply.id = m_store.appendMessage(m_current, reply);
    checkStore(reply.id != 0);
    m_messages->append(reply);
    m_replyRow = int(m_messages->rowCount()) - 1;
    m_persist.start(PersistIntervalMs, this);
    Q_EMIT busyChanged(true);
    m_client.send(body);
}

void ChatSession::stop()
{
    if (isBusy()) {
        m_client.cancel(); // finishReply follows from cancelled()
    }
}

void ChatSession::finishReply(ChatMessage::State state, const ReplyStats &stats, const QString &errorType,
                              const QString &errorMessage)
{
    if (!isBusy()) {
        return;
    }
    ChatMessage reply = m_messages->at(m_replyRow);
    reply.state = state;
    reply.stats = stats;
    reply.errorType = errorType;
    reply.errorMessage = errorMessage;
    m_messages->replace(m_replyRow, reply);
    m_replyRow = -1;
    m_persist.stop();
    checkStore(m_store.updateMessage(reply));
    reloadConversations();
    Q_EMIT busyChanged(false);
}

void ChatSession::persistReply()
{
    if (isBusy()) {
        checkStore(m_store.updateMessage(m_messages->at(m_replyRow)));
    }
}

void ChatSession::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_persist.timerId()) {
        persistReply();
        return;
    }
    QObject::timerEvent(event);
}

bool ChatSession::regenerate()
{
    const int rows = m_messages->rowCount();
    if (isBusy() || rows == 0) {
        return false;
    }
    int last = rows - 1;
    if (m_messages->at(last).role == ChatMessage::Role::Assistant) {
        checkStore(m_store.removeMessage(m_messages->at(last).id));
        m_messages->removeMessages(last, 1);
        --last;
    }
    if (last < 0 || m_messages->at(last).role != ChatMessage::Role::User) {
        return false;
    }
    startReply();
    return true;
}

bool ChatSession::editAndResend(int row, const QString &text)
{
    if (isBusy() || row < 0 || row >= m_messages->rowCount() || m_messages->at(row).role != ChatMessage::Role::User ||
        text.trimmed().isEmpty()) {
        return false;
    }
    // Everything after the edited message belonged to the old question.
    if (row + 1 < m_messages->rowCount()) {
        checkStore(m_store.removeMessagesFrom(m_current, m_messages->at(row + 1).id));
        m_messages->removeFrom(row + 1);
    }
    ChatMessage edited = m_messages->at(row);
    edited.text = text;
    checkStore(m_store.updateMessage(edited));
    m_messages->replace(row, edited);
    startReply();
    return true;
}

bool ChatSession::deleteTurn(int row)
{
    if (isBusy() || row < 0 || row >= m_messages->rowCount()) {
        return false;
    }
    // A turn is a question and its reply; from a reply, step back to its question.
    if (m_messages->at(row).role == ChatMessage::Role::Assistant && row > 0 &&
        m_messages->at(row - 1).role == ChatMessage::Role::User) {
        --row;
    }
    int count = 1;
    if (m_messages->at(row).role == ChatMessage::Role::User && row + 1 < m_messages->rowCount() &&
        m_messages->at(row + 1).role == ChatMessage::Role::Assistant) {
        count = 2;
    }
    for (int i = 0; i < count; ++i) {
        checkStore(m_store.removeMessage(m_messages->at(row + i).id));
    }
    m_messages->removeMessages(row, count);
    reloadConversations();
    return true;
}

namespace {

// The text of a content value: a string, or the text blocks of an array; other blocks are named so
// that nothing silently disappears.
QString contentText(const QJsonValue &content)
{
    if (content.isString()) {
        return content.toString();
    }
    QStringList parts;
    const QJsonArray blocks = content.toArray();
    for (const QJsonValue &value : blocks) {
        const QJsonObject block = value.toObject();
        const QString type = block[u"type"_s].toString();
        if (type == u"text"_s) {
            parts << block[u"text"_s].toString();
        } else {
            parts << ChatSession::tr("[%1 block]").arg(type);
        }
    }
    return parts.join(u"\n\n"_s);
}

// A captured turn as a message: text, and the blocks the playground keeps (base64 images, tool
// calls and results, signed thinking); any other block is named in the text. `turn` is
// messages[`index`] of `body`, which tool inputs are copied from as written.
ChatMessage importedMessage(const QJsonObject &turn, const QByteArray &body, qsizetype index)
{
    ChatMessage message;
    message.role =
        turn[u"role"_s].toString() == u"assistant"_s ? ChatMessage::Role::Assistant : ChatMessage::Role::User;
    const QJsonValue content = turn[u"content"_s];
    if (!content.isArray()) {
        message.text = contentText(content);
        return message;
    }
    QJsonArray rest;
    const QJsonArray blocks = content.toArray();
    for (qsizetype b = 0; b < blocks.size(); ++b) {
        const QJsonObject block = blocks[b].toObject();
        const QString type = block[u"type"_s].toString();
        const QJsonObject source = block[u"source"_s].toObject();
        if (type == u"image"_s && source[u"type"_s].toString() == u"base64"_s) {
            message.images.append({source[u"media_type"_s].toString(), source[u"data"_s].toString().toLatin1(), {}});
        } else if (type == u"tool_use"_s) {
            const QByteArray input =
                Json::rawAt(body, "/messages/" + std::to_string(index) + "/content/" + std::to_string(b) + "/input");
            message.toolUses.append({block[u"id"_s].toString(), block[u"name"_s].toString(),
                                     Json::isObject(input) ? QString::fromUtf8(input) : u"{}"_s});
        } else if (type == u"tool_result"_s) {
            message.toolResults.append(
                {block[u"tool_use_id"_s].toString(), contentText(block[u"content"_s]), block[u"is_error"_s].toBool()});
        } else if (type == u"thinking"_s) {
            message.thinking = block[u"thinking"_s].toString();
            message.thinkingSignature = block[u"signature"_s].toString();
        } else {
            rest.append(block);
        }
    }
    message.text = contentText(rest);
    return message;
}

} // namespace

qint64 ChatSession::importRequest(const QByteArray &body)
{
    const QJsonObject request = QJsonDocument::fromJson(body).object();
    const QJsonArray turns = request[u"messages"_s].toArray();
    if (turns.isEmpty()) {
        return 0;
    }
    ChatSettings settings = m_defaults;
    settings.model = request[u"model"_s].toString(settings.model);
    settings.system = contentText(request[u"system"_s]);
    settings.maxTokens = request[u"max_tokens"_s].toInt(settings.maxTokens);
    settings.temperature =
        request.contains(u"temperature"_s) ? std::optional(request[u"temperature"_s].toDouble()) : std::nullopt;
    settings.topP = request.contains(u"top_p"_s) ? std::optional(request[u"top_p"_s].toDouble()) : std::nullopt;
    settings.topK = request.contains(u"top_k"_s) ? std::optional(request[u"top_k"_s].toInt()) : std::nullopt;
    settings.stopSequences.clear();
    for (const QJsonValue &stop : request[u"stop_sequences"_s].toArray()) {
        settings.stopSequences << stop.toString();
    }
    settings.stream = request[u"stream"_s].toBool();
    // Tools and tool_choice as the request wrote them: their keys in order, their numbers as spelled.
    settings.toolsJson = request[u"tools"_s].toArray().isEmpty()
                             ? QString()
                             : ToolDefinitions::pretty(QString::fromUtf8(Json::rawAt(body, "/tools")));
    settings.toolChoice = request[u"tool_choice"_s].isObject()
                              ? QString::fromUtf8(Json::minified(Json::rawAt(body, "/tool_choice")))
                              : QString();
    const QJsonObject thinking = request[u"thinking"_s].toObject();
    settings.thinkingBudget = thinking[u"type"_s].toString() == u"enabled"_s
                                  ? std::optional(thinking[u"budget_tokens"_s].toInt())
                                  : std::nullopt;
    if (isBusy()) {
        stop();
    }
    const qint64 id = m_store.createConversation(tr("Imported: %1").arg(settings.model), settings);
    checkStore(id != 0);
    if (id == 0) {
        return 0;
    }
    for (qsizetype i = 0; i < turns.size(); ++i) {
        checkStore(m_store.appendMessage(id, importedMessage(turns[i].toObject(), body, i)) != 0);
    }
    reloadConversations();
    openConversation(id);
    return id;
}

QByteArray ChatSession::requestBody() const
{
    return CodeSnippets::requestBody(m_settings, m_messages->messages());
}

QString ChatSession::lastReplyText() const
{
    const auto &all = m_messages->messages();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        if (it->role == ChatMessage::Role::Assistant && !it->text.isEmpty()) {
            return it->text;
        }
    }
    return {};
}

} // namespace Switchboard::Core
