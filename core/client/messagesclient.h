// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"
#include "sse/sseparser.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QUrl>
#include <QtNetwork/QNetworkReply>

class QNetworkAccessManager;

namespace Switchboard::Core {

// An Anthropic Messages client, as an SDK would be: the playground's chat talks to Switchboard's own
// server (or any Anthropic-compatible URL) through it, so GUI traffic shows in the inspector like
// any other. Streams are read with the same SSE parser and the same event grammar an SDK follows;
// widgets get text and figures, never JSON.
class MessagesClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessagesClient)

public:
    explicit MessagesClient(QObject *parent = nullptr);
    ~MessagesClient() override;

    void setBaseUrl(const QUrl &baseUrl) { m_baseUrl = baseUrl; }
    QUrl baseUrl() const { return m_baseUrl; }
    // Sent as x-api-key when set.
    void setApiKey(const QByteArray &key) { m_apiKey = key; }

    // Sends one Messages request (`body` is the JSON; its "stream" decides how the answer comes).
    // A request still under way is cancelled first.
    void send(const QByteArray &body);
    // Stops the request under way: cancelled() follows with what arrived so far.
    void cancel();
    bool isBusy() const { return m_reply != nullptr; }

    // GET /v1/models: modelsListed() or modelsFailed().
    void listModels();

Q_SIGNALS:
    void textDelta(const QString &text);
    void thinkingDelta(const QString &text);
    // The signature of a finished thinking block (needed to send the thinking back in a tool loop).
    void thinkingSigned(const QString &signature);
    // A tool call began: its input follows in pieces and is whole at toolUseFinished().
    void toolUseStarted(const QString &id, const QString &name);
    // A tool call is complete; `inputJson` is its input object as JSON text.
    void toolUseFinished(const QString &id, const QString &name, const QString &inputJson);
    void finished(const Core::ReplyStats &stats);
    void cancelled(const Core::ReplyStats &stats);
    // `type` is the API's error type (invalid_request_error, overloaded_error, …) or
    // api_connection_error when no answer came.
    void failed(const QString &type, const QString &message, const Core::ReplyStats &stats);
    void modelsListed(const QStringList &ids);
    void modelsFailed(const QString &message);

private:
    QUrl endpoint(const QString &path) const;
    void onReadyRead();
    void onFinished();
    void onEvent(const SseEvent &event);
    // `message` is `body` parsed; tool inputs are taken from `body` as written.
    void applyMessage(const QByteArray &body, const QJsonObject &message);
    void applyUsage(const QJsonObject &usage);
    void finishBlock(int index);
    void noteFirstToken();
    void fail(const QString &type, const QString &message);
    void reset();
    ReplyStats currentStats() const;

    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QByteArray m_apiKey;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_clock;
    SseParser m_parser;
    bool m_streaming = false;
    bool m_sawStop = false;
    bool m_done = false;
    QByteArray m_errorBody;
    ReplyStats m_stats;
    // The open content blocks that are assembled before they are reported, by index.
    struct PendingBlock
    {
        QString type; // "tool_use" or "thinking"
        QString id;
        QString name;
        QString json;          // a tool's input so far, or its complete input from content_block_start
        QString signature;     // a thinking block's
        bool streamed = false; // input_json_delta pieces replace an input given at the start
    };
    QHash<int, PendingBlock> m_blocks;
};

} // namespace Switchboard::Core
