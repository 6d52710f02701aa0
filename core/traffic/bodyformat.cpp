// SPDX-License-Identifier: MIT
#include "bodyformat.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMap>

namespace Switchboard::Core::BodyFormat {

using namespace Qt::StringLiterals;

namespace {

bool looksLikeJson(const QByteArray &body, const HttpHeaders &headers)
{
    const QByteArray type = headers.value("content-type").toLower();
    if (type.contains("json")) {
        return true;
    }
    const QByteArray trimmed = body.trimmed();
    return type.isEmpty() && (trimmed.startsWith('{') || trimmed.startsWith('['));
}

QByteArray closerOf(char opener)
{
    return opener == '{' ? QByteArrayLiteral("}") : QByteArrayLiteral("]");
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Re-indents valid JSON text token by token. QJsonDocument would sort object keys and reprint
// numbers; this only moves whitespace.
QByteArray reindent(const QByteArray &json)
{
    QByteArray out;
    out.reserve(json.size() + json.size() / 2);
    int depth = 0;
    const auto newline = [&out, &depth] {
        out += '\n';
        out += QByteArray(2 * depth, ' ');
    };
    bool inString = false;
    bool escaped = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[': {
            qsizetype next = i + 1;
            while (next < json.size() && isJsonSpace(json.at(next))) {
                ++next;
            }
            if (next < json.size() && json.at(next) == closerOf(c).at(0)) {
                out += c; // an empty container stays on one line
                out += json.at(next);
                i = next;
                break;
            }
            out += c;
            ++depth;
            newline();
            break;
        }
        case '}':
        case ']':
            --depth;
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':':
            out += ": ";
            break;
        default:
            if (!isJsonSpace(c)) {
                out += c;
            }
        }
    }
    return out;
}

QJsonObject parseObject(const QByteArray &data)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    return error.error == QJsonParseError::NoError ? document.object() : QJsonObject();
}

struct Block
{
    QString heading; // empty for plain text
    QString text;
};

QString joinBlocks(const QList<Block> &blocks)
{
    QStringList parts;
    for (const Block &block : blocks) {
        if (block.heading.isEmpty() && block.text.isEmpty()) {
            continue;
        }
        if (block.heading.isEmpty() || block.text.isEmpty()) {
            parts << (block.heading.isEmpty() ? block.text : block.heading);
        } else {
            parts << block.heading + u'\n' + block.text;
        }
    }
    return parts.join(u"\n\n"_s);
}

Block anthropicBlockStart(const QJsonObject &contentBlock)
{
    const QString type = contentBlock[u"type"_s].toString();
    if (type == u"text") {
        return {{}, contentBlock[u"text"_s].toString()};
    }
    if (type == u"thinking") {
        return {u"[thinking]"_s, contentBlock[u"thinking"_s].toString()};
    }
    if (type == u"redacted_thinking") {
        return {u"[redacted_thinking]"_s, {}};
    }
    if (type == u"tool_use" || type == u"server_tool_use") {
        // The start carries an empty `input`; the arguments arrive as input_json_delta.
        return {u'[' + type + u' ' + contentBlock[u"name"_s].toString() + u']', {}};
    }
    return {u'[' + type + u']', {}};
}

} // namespace

QString prettyBody(const QByteArray &body, const HttpHeaders &headers)
{
    if (body.isEmpty()) {
        return {};
    }
    if (looksLikeJson(body, headers)) {
        QJsonParseError error;
        QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError) {
            return QString::fromUtf8(reindent(body));
        }
    }
    return QString::fromUtf8(body);
}

QString assembledText(const QList<CapturedSseEvent> &events)
{
    // Anthropic: blocks by index. OpenAI: reasoning, content and tool calls by index.
    QMap<qint64, Block> anthropic;
    QStringList errors;
    QString reasoning;
    QString content;
    QMap<qint64, Block> toolCalls;
    for (const CapturedSseEvent &event : events) {
        const QByteArray &name = event.name;
        if (name == "content_block_start") {
            const QJsonObject data = parseObject(event.data);
            anthropic[data[u"index"_s].toInteger()] = anthropicBlockStart(data[u"content_block"_s].toObject());
        } else if (name == "content_block_delta") {
            const QJsonObject data = parseObject(event.data);
            const QJsonObject delta = data[u"delta"_s].toObject();
            const QString type = delta[u"type"_s].toString();
            Block &block = anthropic[data[u"index"_s].toInteger()];
            if (type == u"text_delta") {
                block.text += delta[u"text"_s].toString();
            } else if (type == u"thinking_delta") {
                block.text += delta[u"thinking"_s].toString();
            } else if (type == u"input_json_delta") {
                block.text += delta[u"partial_json"_s].toString();
            }
        } else if (name == "error") {
            const QJsonObject error = parseObject(event.data)[u"error"_s].toObject();
            errors << u"[error] "_s + error[u"type"_s].toString() + u": "_s + error[u"message"_s].toString();
        } else if (name == "message") {
            const QJsonObject delta =
                parseObject(event.data)[u"choices"_s].toArray().at(0).toObject()[u"delta"_s].toObject();
            content += delta[u"content"_s].toString();
            reasoning += delta[u"reasoning_content"_s].toString();
            for (const QJsonValue &call : delta[u"tool_calls"_s].toArray()) {
                const QJsonObject object = call.toObject();
                const QJsonObject function = object[u"function"_s].toObject();
                Block &block = toolCalls[object[u"index"_s].toInteger()];
                if (function.contains(u"name"_s)) {
                    block.heading = u"[tool_call "_s + function[u"name"_s].toString() + u']';
                }
                block.text += function[u"arguments"_s].toString();
            }
        }
    }
    QList<Block> blocks = anthropic.values();
    if (!reasoning.isEmpty()) {
        blocks.append({u"[thinking]"_s, reasoning});
    }
    blocks.append({{}, content});
    blocks.append(toolCalls.values());
    for (const QString &error : std::as_const(errors)) {
        blocks.append({error, {}});
    }
    return joinBlocks(blocks);
}

} // namespace Switchboard::Core::BodyFormat
