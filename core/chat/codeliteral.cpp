// SPDX-License-Identifier: MIT
#include "chat/codeliteral.h"

#include "json/jsonparser.h"

#include <QtCore/QJsonArray>

#include <algorithm>
#include <cmath>
#include <iterator>

using namespace Qt::StringLiterals;

namespace Switchboard::Core {

namespace {

using Language = CodeLiteral::Language;

// QJsonObject keeps keys sorted, which would put max_tokens before model and content before role.
constexpr QStringView ReadingOrder[] = {
    u"model",       u"max_tokens", u"system", u"messages",       u"role",   u"content",
    u"temperature", u"top_p",      u"top_k",  u"stop_sequences", u"stream",
};

QString unicodeEscape(char16_t unit)
{
    return u"\\u"_s + QString::number(unit, 16).rightJustified(4, u'0');
}

// Characters written as escapes rather than as themselves. Controls and line separators would
// break or reflow the literal; invisible format characters (zero-width spaces, bidi overrides)
// would hide from the reader what the pasted code sends; a lone surrogate has no UTF-8 form.
// Zero-width (non-)joiners are the exception: they shape emoji and Persian or Indic text, and an
// escape in the middle of "👩‍💻" only makes it unreadable.
bool isEscaped(char32_t codePoint)
{
    if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
        return true;
    }
    if (codePoint == 0x200c || codePoint == 0x200d) {
        return false;
    }
    switch (QChar::category(codePoint)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

QString nullLiteral(Language language)
{
    return language == Language::Python ? u"None"_s : u"null"_s;
}

QString numberLiteral(double number, Language language)
{
    if (!std::isfinite(number)) {
        return nullLiteral(language); // what QJsonDocument writes for them
    }
    // Whole numbers as integers, as QJsonDocument writes them; 2^53 is where doubles stop being exact.
    if (number == std::floor(number) && std::abs(number) < 9007199254740992.0) {
        return QString::number(static_cast<qint64>(number));
    }
    return QString::number(number, 'g', QLocale::FloatingPointShortest);
}

bool isJavaScriptIdentifier(QStringView key)
{
    const auto isStart = [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || c == u'$';
    };
    return !key.isEmpty() && isStart(key.front()) &&
           std::all_of(key.begin(), key.end(), [&](QChar c) { return isStart(c) || (c >= u'0' && c <= u'9'); });
}

QString keyLiteral(const QString &key, Language language)
{
    if (language != Language::JavaScript) {
        return CodeLiteral::string(key, language);
    }
    // In an object literal, `__proto__: x` and `"__proto__": x` set the prototype instead of
    // making a property; only a computed key makes one.
    if (key == u"__proto__") {
        return u"[\"__proto__\"]"_s;
    }
    return isJavaScriptIdentifier(key) ? key : CodeLiteral::string(key, language);
}

bool isContainer(const QJsonValue &value)
{
    return value.isArray() || value.isObject();
}

// The trailing comma after the last item is the one Black and Prettier write; JSON has none.
QString container(const QStringList &items, bool oneLine, QChar open, QChar close, Language language, int depth)
{
    if (items.isEmpty()) {
        return QString(open) + close;
    }
    if (oneLine) {
        const QString padding = language == Language::JavaScript && open == u'{' ? u" "_s : QString();
        return open + padding + items.join(u", ") + padding + close;
    }
    QString out = QString(open) + u'\n';
    for (qsizetype i = 0; i < items.size(); ++i) {
        const bool comma = i + 1 < items.size() || language != Language::Json;
        out += CodeLiteral::indentation(language, depth + 1) + items[i] + (comma ? u",\n"_s : u"\n"_s);
    }
    return out + CodeLiteral::indentation(language, depth) + close;
}

QString objectLiteral(const QJsonObject &object, Language language, int depth, bool oneLineIfFlat)
{
    QStringList items;
    bool flat = true;
    for (const QString &key : CodeLiteral::keys(object)) {
        const QJsonValue member = object.value(key);
        items += keyLiteral(key, language) + u": " + CodeLiteral::value(member, language, depth + 1);
        flat = flat && !isContainer(member);
    }
    return container(items, oneLineIfFlat && flat, u'{', u'}', language, depth);
}

// A number of the DOM that was written with a fraction or an exponent: kept a float (1.0 stays 1.0,
// not 1), so that Python sends it back as it was written.
QString floatLiteral(double number, Language language)
{
    if (!std::isfinite(number)) {
        return nullLiteral(language);
    }
    QString text = QString::number(number, 'g', QLocale::FloatingPointShortest);
    if (!text.contains(u'.') && !text.contains(u'e')) {
        text += u".0"_s;
    }
    return text;
}

QString text(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

bool isContainer(simdjson::dom::element element)
{
    return element.is_array() || element.is_object();
}

// The walk of CodeLiteral::value() over a DOM, which keeps members in the order written.
QString elementLiteral(simdjson::dom::element element, Language language, int depth, bool oneLineIfFlat)
{
    QStringList items;
    bool flat = true;
    simdjson::dom::array array;
    simdjson::dom::object object;
    std::int64_t integer = 0;
    std::uint64_t unsignedInteger = 0;
    double number = 0;
    std::string_view string;
    bool flag = false;
    if (element.get(array) == simdjson::SUCCESS) {
        for (const simdjson::dom::element item : array) {
            items += elementLiteral(item, language, depth + 1, true);
            flat = flat && !isContainer(item);
        }
        return container(items, flat, u'[', u']', language, depth);
    }
    if (element.get(object) == simdjson::SUCCESS) {
        for (const simdjson::dom::key_value_pair field : object) {
            items +=
                keyLiteral(text(field.key), language) + u": " + elementLiteral(field.value, language, depth + 1, true);
            flat = flat && !isContainer(field.value);
        }
        return container(items, oneLineIfFlat && flat, u'{', u'}', language, depth);
    }
    // Integers first: a DOM double is a number written with a fraction or an exponent.
    if (element.is_int64() && element.get(integer) == simdjson::SUCCESS) {
        return QString::number(integer);
    }
    if (element.is_uint64() && element.get(unsignedInteger) == simdjson::SUCCESS) {
        return QString::number(unsignedInteger);
    }
    if (element.is_double() && element.get(number) == simdjson::SUCCESS) {
        return floatLiteral(number, language);
    }
    if (element.get(string) == simdjson::SUCCESS) {
        return CodeLiteral::string(text(string), language);
    }
    if (element.get(flag) == simdjson::SUCCESS) {
        if (language == Language::Python) {
            return flag ? u"True"_s : u"False"_s;
        }
        return flag ? u"true"_s : u"false"_s;
    }
    return nullLiteral(language);
}

} // namespace

QString CodeLiteral::json(QByteArrayView json, Language language, int depth)
{
    JsonParser parser;
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) {
        return nullLiteral(language);
    }
    return elementLiteral(root, language, depth, true);
}

QString CodeLiteral::jsonObject(QByteArrayView json, Language language, int depth)
{
    JsonParser parser;
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) {
        return nullLiteral(language);
    }
    return elementLiteral(root, language, depth, false);
}

QList<std::pair<QString, QString>> CodeLiteral::jsonMembers(QByteArrayView json, Language language, int depth)
{
    QList<std::pair<QString, QString>> members;
    JsonParser parser;
    simdjson::dom::object object;
    if (parser.parse(json).get_object().get(object) != simdjson::SUCCESS) {
        return members;
    }
    for (const simdjson::dom::key_value_pair field : object) {
        members.append({text(field.key), elementLiteral(field.value, language, depth, true)});
    }
    return members;
}

QString CodeLiteral::value(const QJsonValue &value, Language language, int depth)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return nullLiteral(language);
    case QJsonValue::Bool:
        if (language == Language::Python) {
            return value.toBool() ? u"True"_s : u"False"_s;
        }
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return numberLiteral(value.toDouble(), language);
    case QJsonValue::String:
        return string(value.toString(), language);
    case QJsonValue::Array: {
        QStringList items;
        bool flat = true;
        for (const QJsonValue &item : value.toArray()) {
            items += CodeLiteral::value(item, language, depth + 1);
            flat = flat && !isContainer(item);
        }
        return container(items, flat, u'[', u']', language, depth);
    }
    case QJsonValue::Object:
        return objectLiteral(value.toObject(), language, depth, true);
    }
    return nullLiteral(language);
}

QString CodeLiteral::object(const QJsonObject &object, Language language, int depth)
{
    return objectLiteral(object, language, depth, false);
}

// JSON's escapes mean the same in Python and JavaScript, with two exceptions the writer keeps
// clear of: `\/` is not a Python escape (so it is never written), and Python does not join a
// surrogate pair written as two \u escapes (so it gets one \U escape instead).
QString CodeLiteral::string(QStringView text, Language language)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar unit = text[i];
        const bool pair = unit.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate();
        const char32_t codePoint = pair ? QChar::surrogateToUcs4(unit, text[i + 1]) : unit.unicode();
        switch (codePoint) {
        case u'"':
            out += u"\\\"";
            continue;
        case u'\\':
            out += u"\\\\";
            continue;
        case u'\b':
            out += u"\\b";
            continue;
        case u'\f':
            out += u"\\f";
            continue;
        case u'\n':
            out += u"\\n";
            continue;
        case u'\r':
            out += u"\\r";
            continue;
        case u'\t':
            out += u"\\t";
            continue;
        default:
            break;
        }
        if (!isEscaped(codePoint)) {
            out += unit;
            if (pair) {
                out += text[++i];
            }
        } else if (!pair) {
            out += unicodeEscape(unit.unicode());
        } else if (language == Language::Python) {
            out += u"\\U"_s + QString::number(codePoint, 16).rightJustified(8, u'0');
            ++i;
        } else {
            out += unicodeEscape(unit.unicode()) + unicodeEscape(text[++i].unicode());
        }
    }
    out += u'"';
    return out;
}

QString CodeLiteral::indentation(Language language, int depth)
{
    // Each language's usual style: PEP 8 for Python, Prettier's two spaces elsewhere.
    return QString(depth * (language == Language::Python ? 4 : 2), u' ');
}

QStringList CodeLiteral::keys(const QJsonObject &object)
{
    const auto rank = [](const QString &key) {
        return std::distance(std::begin(ReadingOrder),
                             std::find(std::begin(ReadingOrder), std::end(ReadingOrder), key));
    };
    QStringList keys = object.keys(); // sorted, so the other keys stay alphabetical after the known ones
    std::stable_sort(keys.begin(), keys.end(), [&](const QString &a, const QString &b) { return rank(a) < rank(b); });
    return keys;
}

} // namespace Switchboard::Core
