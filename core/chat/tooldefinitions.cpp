// SPDX-License-Identifier: MIT
#include "tooldefinitions.h"

#include "traffic/bodyformat.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

namespace Switchboard::Core::ToolDefinitions {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Switchboard::Core::ToolDefinitions", text);
}

} // namespace

QString problem(const QString &json)
{
    if (json.trimmed().isEmpty()) {
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        // The offset is in bytes of UTF-8; for the ASCII that JSON mostly is, also in characters.
        return tr("Not JSON: %1 at character %2").arg(error.errorString()).arg(error.offset);
    }
    if (!document.isArray()) {
        return tr("tools must be an array of tool definitions: [ {\"name\": …, \"input_schema\": {…}} ]");
    }
    const QJsonArray tools = document.array();
    QSet<QString> seen;
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QString where = u"tools[%1]"_s.arg(i);
        if (!tools[i].isObject()) {
            return tr("%1: must be an object").arg(where);
        }
        const QJsonObject tool = tools[i].toObject();
        const QString name = tool[u"name"_s].toString();
        if (name.isEmpty()) {
            return tr("%1.name: a non-empty string is required").arg(where);
        }
        if (seen.contains(name)) {
            return tr("%1.name: \"%2\" is used twice; tool names must be unique").arg(where, name);
        }
        seen.insert(name);
        const QString type = tool[u"type"_s].toString(u"custom"_s);
        if (type == u"custom"_s && !tool[u"input_schema"_s].isObject()) {
            return tr("%1.input_schema: a JSON Schema object is required").arg(where);
        }
    }
    return {};
}

QStringList names(const QString &json)
{
    QStringList list;
    if (json.trimmed().isEmpty() || !problem(json).isEmpty()) {
        return list;
    }
    const QJsonArray tools = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &tool : tools) {
        list.append(tool[u"name"_s].toString());
    }
    return list;
}

QString pretty(const QString &json)
{
    return BodyFormat::prettyBody(json.toUtf8(), {});
}

} // namespace Switchboard::Core::ToolDefinitions
