// SPDX-License-Identifier: MIT
#include "requestdiff.h"

#include <QtCore/QHash>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

namespace Switchboard::Core::RequestDiff {

using namespace Qt::StringLiterals;

namespace {

using Leaves = QList<std::pair<QString, QString>>;

QString leafText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Array:
        return u"[]"_s; // only empty ones reach here
    case QJsonValue::Object:
        return u"{}"_s;
    default:
        return {};
    }
}

void flatten(const QJsonValue &value, const QString &path, Leaves &out)
{
    if (value.isObject() && !value.toObject().isEmpty()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            flatten(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), out);
        }
        return;
    }
    if (value.isArray() && !value.toArray().isEmpty()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            flatten(array.at(i), path + u'[' + QString::number(i) + u']', out);
        }
        return;
    }
    out.append({path, leafText(value)});
}

bool parse(const QByteArray &body, Leaves &out)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return false;
    }
    flatten(document.object(), {}, out);
    return true;
}

} // namespace

QList<RequestDiffRow> compare(const QByteArray &clientBody, const QByteArray &upstreamBody)
{
    Leaves client;
    Leaves upstream;
    if (!parse(clientBody, client) || !parse(upstreamBody, upstream)) {
        const QString a = QString::fromUtf8(clientBody);
        const QString b = QString::fromUtf8(upstreamBody);
        return {{u"(body)"_s, a, b, a == b ? RequestDiffRow::Kind::Same : RequestDiffRow::Kind::Rewritten}};
    }
    QHash<QString, QString> upstreamByPath;
    for (const auto &[path, value] : upstream) {
        upstreamByPath.insert(path, value);
    }
    QList<RequestDiffRow> rows;
    QSet<QString> seen;
    for (const auto &[path, value] : client) {
        seen.insert(path);
        const auto it = upstreamByPath.constFind(path);
        if (it == upstreamByPath.constEnd()) {
            rows.append({path, value, {}, RequestDiffRow::Kind::Dropped});
        } else {
            rows.append(
                {path, value, *it, *it == value ? RequestDiffRow::Kind::Same : RequestDiffRow::Kind::Rewritten});
        }
    }
    for (const auto &[path, value] : upstream) {
        if (!seen.contains(path)) {
            rows.append({path, {}, value, RequestDiffRow::Kind::Added});
        }
    }
    return rows;
}

} // namespace Switchboard::Core::RequestDiff
