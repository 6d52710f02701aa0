// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayView>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QStringView>

#include <utility>

namespace Switchboard::Core {

// JSON values written as source code, for the snippets of "Get code". Each literal evaluates to
// the value it was made from, whatever the strings hold, and is laid out for a person to read:
// containers of scalars on one line, anything holding a container one item a line.
class CodeLiteral
{
public:
    enum class Language
    {
        Json,
        Python,     // True, False, None; \U escapes past the BMP
        JavaScript, // identifier keys unquoted; the same text is valid TypeScript
    };

    // `value` as a literal that starts `depth` levels deep (its closing bracket is indented by
    // that much; its items one level more).
    static QString value(const QJsonValue &value, Language language, int depth = 0);
    // Like value(), but one member a line even when every member is a scalar: how a call's
    // parameters are written.
    static QString object(const QJsonObject &object, Language language, int depth = 0);
    // The JSON text `json` as a literal, its objects' members in the order written, integers as
    // integers and other numbers as floats (1.0 stays a float): how the snippets show the body, so
    // that they list the tools and tool inputs in the order the chat sends them. null when `json`
    // is not valid JSON.
    static QString json(QByteArrayView json, Language language, int depth = 0);
    // Like json() for an object, one member a line, as object() lays it out.
    static QString jsonObject(QByteArrayView json, Language language, int depth = 0);
    // The members of the JSON object `json` in the order written, each as its key and its value's
    // literal starting `depth` levels deep: a call's keyword arguments.
    static QList<std::pair<QString, QString>> jsonMembers(QByteArrayView json, Language language, int depth);
    // A double-quoted string literal.
    static QString string(QStringView text, Language language);

    // What one level of indentation is in `language`, `depth` times.
    static QString indentation(Language language, int depth);
    // The keys of `object` in the order a person reads a Messages request (model, max_tokens,
    // system, messages, role, content, then the sampling parameters), the others after them in
    // alphabetical order.
    static QStringList keys(const QJsonObject &object);
};

} // namespace Switchboard::Core
