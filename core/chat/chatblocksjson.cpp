// SPDX-License-Identifier: MIT
#include "chatblocksjson.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace Switchboard::Core::ChatBlocksJson {

using namespace Qt::StringLiterals;

QString write(const ChatMessage &message)
{
    QJsonObject blocks;
    if (!message.thinkingSignature.isEmpty()) {
        blocks.insert(u"thinking_signature"_s, message.thinkingSignature);
    }
    QJsonArray images;
    for (const ChatImage &image : message.images) {
        images.append(QJsonObject{{u"media_type"_s, image.mediaType},
                                  {u"data"_s, QString::fromLatin1(image.data)},
                                  {u"file_name"_s, image.fileName}});
    }
    if (!images.isEmpty()) {
        blocks.insert(u"images"_s, images);
    }
    QJsonArray uses;
    for (const ChatToolUse &use : message.toolUses) {
        // The input stays text: it is shown and sent as the model wrote it.
        uses.append(QJsonObject{{u"id"_s, use.id}, {u"name"_s, use.name}, {u"input_json"_s, use.inputJson}});
    }
    if (!uses.isEmpty()) {
        blocks.insert(u"tool_uses"_s, uses);
    }
    QJsonArray results;
    for (const ChatToolResult &result : message.toolResults) {
        results.append(QJsonObject{
            {u"tool_use_id"_s, result.toolUseId}, {u"content"_s, result.content}, {u"is_error"_s, result.isError}});
    }
    if (!results.isEmpty()) {
        blocks.insert(u"tool_results"_s, results);
    }
    if (blocks.isEmpty()) {
        return {};
    }
    return QString::fromUtf8(QJsonDocument(blocks).toJson(QJsonDocument::Compact));
}

void read(const QString &json, ChatMessage &message)
{
    if (json.isEmpty()) {
        return;
    }
    const QJsonObject blocks = QJsonDocument::fromJson(json.toUtf8()).object();
    message.thinkingSignature = blocks[u"thinking_signature"_s].toString();
    for (const QJsonValue &value : blocks[u"images"_s].toArray()) {
        const QJsonObject image = value.toObject();
        message.images.append({image[u"media_type"_s].toString(), image[u"data"_s].toString().toLatin1(),
                               image[u"file_name"_s].toString()});
    }
    for (const QJsonValue &value : blocks[u"tool_uses"_s].toArray()) {
        const QJsonObject use = value.toObject();
        message.toolUses.append({use[u"id"_s].toString(), use[u"name"_s].toString(), use[u"input_json"_s].toString()});
    }
    for (const QJsonValue &value : blocks[u"tool_results"_s].toArray()) {
        const QJsonObject result = value.toObject();
        message.toolResults.append(
            {result[u"tool_use_id"_s].toString(), result[u"content"_s].toString(), result[u"is_error"_s].toBool()});
    }
}

} // namespace Switchboard::Core::ChatBlocksJson
