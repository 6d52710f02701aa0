// SPDX-License-Identifier: MIT
#include "messagesclient.h"

#include "json/jsonparser.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>

#include <string>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

// Where the API's error type and message are, whatever the status: Anthropic's envelope, then
// OpenAI's, then the raw text.
std::pair<QString, QString> errorFromBody(const QByteArray &body, const QString &fallbackType)
{
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonObject error = root["error"_L1].toObject();
    if (!error.isEmpty()) {
        const QString type = error["type"_L1].toString();
        return {type.isEmpty() ? fallbackType : type, error["message"_L1].toString()};
    }
    return {fallbackType, QString::fromUtf8(body.left(500)).trimmed()};
}

QString typeForStatus(int status)
{
    switch (status) {
    case 400:
        return u"invalid_request_error"_s;
    case 401:
        return u"authentication_error"_s;
    case 403:
        return u"permission_error"_s;
    case 404:
        return u"not_found_error"_s;
    case 413:
        return u"request_too_large"_s;
    case 429:
        return u"rate_limit_error"_s;
    case 529:
        return u"overloaded_error"_s;
    default:
        return status >= 500 ? u"api_error"_s : u"invalid_request_error"_s;
    }
}

// A tool call's input as the server wrote it, from `json` at `pointer`: re-serialising it would
// sort its keys and respell its numbers, and it is sent back in the next request, where a local
// engine expects the tokens it generated. Anything but an object counts as no input.
QString toolInputAt(const QByteArray &json, const std::string &pointer)
{
    const QByteArray input = Json::rawAt(json, pointer);
    return Json::isObject(input) ? QString::fromUtf8(input) : u"{}"_s;
}

} // namespace

MessagesClient::MessagesClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setAutoDeleteReplies(true);
}

MessagesClient::~MessagesClient()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

QUrl MessagesClient::endpoint(const QString &path) const
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    // Accept a base URL given with or without /v1, as the SDKs' users write both.
    if (base.endsWith("/v1"_L1)) {
        base.chop(3);
    }
    url.setPath(base + path);
    return url;
}

void MessagesClient::reset()
{
    m_parser.reset();
    m_sawStop = false;
    m_done = false;
    m_errorBody.clear();
    m_stats = {};
    m_blocks.clear();
}

void MessagesClient::send(const QByteArray &body)
{
    if (m_reply) {
        cancel();
    }
    reset();
    m_streaming = QJsonDocument::fromJson(body).object()["stream"_L1].toBool();
    QNetworkRequest request(endpoint(u"/v1/messages"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setRawHeader("anthropic-version", "2023-06-01");
    request.setRawHeader("User-Agent", "Switchboard-Playground/" SWITCHBOARD_VERSION);
    if (!m_apiKey.isEmpty()) {
        request.setRawHeader("x-api-key", m_apiKey);
    }
    if (m_streaming) {
        request.setRawHeader("Accept", "text/event-stream");
    }
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_clock.start();
    m_reply = m_network->post(request, body);
    connect(m_reply, &QNetworkReply::readyRead, this, &MessagesClient::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &MessagesClient::onFinished);
}

void MessagesClient::cancel()
{
    if (!m_reply) {
        return;
    }
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort(); // closes the connection: that is how the server learns to stop the backend
    m_done = true;
    Q_EMIT cancelled(currentStats());
}

ReplyStats MessagesClient::currentStats() const
{
    ReplyStats stats = m_stats;
    stats.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    return stats;
}

void MessagesClient::noteFirstToken()
{
    if (m_stats.timeToFirstTokenMs < 0) {
        m_stats.timeToFirstTokenMs = m_clock.elapsed();
    }
}

void MessagesClient::onReadyRead()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = m_reply->readAll();
    const bool eventStream =
        m_reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith("text/event-stream"_L1);
    if (status != 200 || !eventStream) {
        m_errorBody.append(bytes); // a JSON answer (or an error) is read whole, at the end
        return;
    }
    const bool ok = m_parser.feed(bytes, [this](const SseEvent &event) {
        if (!m_done) {
            onEvent(event);
        }
    });
    if (!ok && !m_done) {
        fail(u"api_error"_s, tr("An event in the stream was too large to read"));
    }
}

void MessagesClient::onEvent(const SseEvent &event)
{
    const QJsonObject data = QJsonDocument::fromJson(event.data).object();
    const QString type = data["type"_L1].toString();
    if (type == "message_start"_L1) {
        applyUsage(data["message"_L1].toObject()["usage"_L1].toObject());
    } else if (type == "content_block_start"_L1) {
        const QJsonObject block = data["content_block"_L1].toObject();
        const QString kind = block["type"_L1].toString();
        const int index = data["index"_L1].toInt();
        if (kind == "tool_use"_L1) {
            noteFirstToken();
            PendingBlock pending{kind, block["id"_L1].toString(), block["name"_L1].toString(), {}, {}, false};
            // The input usually starts as {} and arrives in input_json_delta pieces; a server may
            // also send it whole here.
            if (!block["input"_L1].toObject().isEmpty()) {
                pending.json = toolInputAt(event.data, "/content_block/input");
            }
            m_blocks.insert(index, pending);
            Q_EMIT toolUseStarted(pending.id, pending.name);
        } else if (kind == "thinking"_L1) {
            m_blocks.insert(index, {kind, {}, {}, {}, block["signature"_L1].toString(), false});
        }
    } else if (type == "content_block_delta"_L1) {
        const QJsonObject delta = data["delta"_L1].toObject();
        const QString kind = delta["type"_L1].toString();
        const int index = data["index"_L1].toInt();
        if (kind == "text_delta"_L1) {
            noteFirstToken();
            Q_EMIT textDelta(delta["text"_L1].toString());
        } else if (kind == "thinking_delta"_L1) {
            noteFirstToken();
            Q_EMIT thinkingDelta(delta["thinking"_L1].toString());
        } else if (kind == "input_json_delta"_L1) {
            if (auto block = m_blocks.find(index); block != m_blocks.end()) {
                if (!block->streamed) {
                    block->json.clear();
                    block->streamed = true;
                }
                block->json += delta["partial_json"_L1].toString();
            }
        } else if (kind == "signature_delta"_L1) {
            if (auto block = m_blocks.find(index); block != m_blocks.end()) {
                block->signature += delta["signature"_L1].toString();
            }
        }
    } else if (type == "content_block_stop"_L1) {
        finishBlock(data["index"_L1].toInt());
    } else if (type == "message_delta"_L1) {
        const QJsonObject delta = data["delta"_L1].toObject();
        m_stats.stopReason = delta["stop_reason"_L1].toString();
        m_stats.stopSequence = delta["stop_sequence"_L1].toString();
        applyUsage(data["usage"_L1].toObject());
    } else if (type == "message_stop"_L1) {
        m_sawStop = true;
    } else if (type == "error"_L1 || event.name == "error") {
        const QJsonObject error = data["error"_L1].toObject();
        fail(error["type"_L1].toString(u"api_error"_s), error["message"_L1].toString());
    }
}

void MessagesClient::finishBlock(int index)
{
    const auto block = m_blocks.find(index);
    if (block == m_blocks.end()) {
        return;
    }
    const PendingBlock finished = *block;
    m_blocks.erase(block);
    if (finished.type == "tool_use"_L1) {
        Q_EMIT toolUseFinished(finished.id, finished.name, finished.json.trimmed().isEmpty() ? u"{}"_s : finished.json);
    } else if (!finished.signature.isEmpty()) {
        Q_EMIT thinkingSigned(finished.signature);
    }
}

// The three input fields add up to the prompt (Anthropic's meaning); the playground shows the
// prompt and how much of it the backend had cached.
void MessagesClient::applyUsage(const QJsonObject &usage)
{
    if (usage.contains("input_tokens"_L1)) {
        m_stats.cachedInputTokens = usage["cache_read_input_tokens"_L1].toInt();
        m_stats.inputTokens = usage["input_tokens"_L1].toInt() + usage["cache_creation_input_tokens"_L1].toInt() +
                              m_stats.cachedInputTokens;
    }
    if (usage.contains("output_tokens"_L1)) {
        m_stats.outputTokens = usage["output_tokens"_L1].toInt();
    }
}

void MessagesClient::applyMessage(const QByteArray &body, const QJsonObject &message)
{
    const QJsonArray content = message["content"_L1].toArray();
    for (qsizetype i = 0; i < content.size(); ++i) {
        const QJsonObject block = content[i].toObject();
        const QString type = block["type"_L1].toString();
        if (type == "text"_L1) {
            noteFirstToken();
            Q_EMIT textDelta(block["text"_L1].toString());
        } else if (type == "thinking"_L1) {
            noteFirstToken();
            Q_EMIT thinkingDelta(block["thinking"_L1].toString());
            if (const QString signature = block["signature"_L1].toString(); !signature.isEmpty()) {
                Q_EMIT thinkingSigned(signature);
            }
        } else if (type == "tool_use"_L1) {
            noteFirstToken();
            const QString id = block["id"_L1].toString();
            const QString name = block["name"_L1].toString();
            Q_EMIT toolUseStarted(id, name);
            Q_EMIT toolUseFinished(id, name, toolInputAt(body, "/content/" + std::to_string(i) + "/input"));
        }
    }
    m_stats.stopReason = message["stop_reason"_L1].toString();
    m_stats.stopSequence = message["stop_sequence"_L1].toString();
    applyUsage(message["usage"_L1].toObject());
}

void MessagesClient::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply) {
        return;
    }
    if (!m_done && reply->bytesAvailable() > 0) {
        onReadyRead();
    }
    m_reply = nullptr;
    if (m_done) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        fail(u"api_connection_error"_s, reply->errorString());
        return;
    }
    if (status != 200) {
        const auto [type, message] = errorFromBody(m_errorBody, typeForStatus(status));
        fail(type, message.isEmpty() ? tr("HTTP %1").arg(status) : message);
        return;
    }
    if (!m_streaming || !m_errorBody.isEmpty()) {
        const QJsonObject message = QJsonDocument::fromJson(m_errorBody).object();
        if (message["type"_L1].toString() != "message"_L1) {
            fail(u"api_error"_s, tr("The answer was not a message: %1").arg(QString::fromUtf8(m_errorBody.left(200))));
            return;
        }
        applyMessage(m_errorBody, message);
        m_sawStop = true;
    }
    if (!m_sawStop) {
        fail(u"api_error"_s, reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                                      : tr("The stream ended before message_stop"));
        return;
    }
    m_done = true;
    Q_EMIT finished(currentStats());
}

void MessagesClient::fail(const QString &type, const QString &message)
{
    m_done = true;
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
    }
    Q_EMIT failed(type, message, currentStats());
}

void MessagesClient::listModels()
{
    QNetworkRequest request(endpoint(u"/v1/models"_s));
    request.setRawHeader("anthropic-version", "2023-06-01");
    request.setRawHeader("User-Agent", "Switchboard-Playground/" SWITCHBOARD_VERSION);
    if (!m_apiKey.isEmpty()) {
        request.setRawHeader("x-api-key", m_apiKey);
    }
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status != 200) {
            Q_EMIT modelsFailed(status == 0 ? reply->errorString() : errorFromBody(body, typeForStatus(status)).second);
            return;
        }
        QStringList ids;
        const QJsonArray data = QJsonDocument::fromJson(body).object()["data"_L1].toArray();
        for (const QJsonValue &model : data) {
            ids.append(model.toObject()["id"_L1].toString());
        }
        Q_EMIT modelsListed(ids);
    });
}

} // namespace Switchboard::Core
