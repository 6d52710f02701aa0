// SPDX-License-Identifier: MIT
#include "promptjson.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"

#include <QtCore/QCryptographicHash>

namespace Switchboard::Core::PromptJson {

namespace {

QByteArrayView view(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

QByteArray maybeMasked(std::string_view text, int options)
{
    return (options & MaskAttributionNonce) ? maskAttributionNonce(view(text)) : view(text).toByteArray();
}

// A plain text block, `{"type":"text","text":…}` in either key order and with no other field than a
// cache marker: its text.
bool plainTextBlock(simdjson::dom::object object, std::string_view &text)
{
    std::string_view type;
    bool hasText = false;
    for (const auto field : object) {
        if (field.key == "type") {
            if (field.value.get_string().get(type) != simdjson::SUCCESS || type != "text") {
                return false;
            }
        } else if (field.key == "text") {
            hasText = field.value.get_string().get(text) == simdjson::SUCCESS;
        } else if (field.key != "cache_control") {
            return false;
        }
    }
    return hasText && type == "text";
}

void write(simdjson::dom::element element, int options, JsonWriter &writer)
{
    switch (element.type()) {
    case simdjson::dom::element_type::OBJECT:
        if (std::string_view text;
            (options & TextBlocks) && plainTextBlock(element.get_object().value_unsafe(), text)) {
            QByteArray block;
            JsonWriter(block).beginObject().field("type", "text").field("text", maybeMasked(text, options)).endObject();
            writer.raw(block);
            return;
        }
        writer.beginObject();
        for (const auto field : simdjson::dom::object(element)) {
            if ((options & DropCacheControl) && field.key == "cache_control") {
                continue;
            }
            writer.key(view(field.key));
            if (field.key == "content") {
                writer.raw(canonicalContent(field.value, options));
                continue;
            }
            write(field.value, options, writer);
        }
        writer.endObject();
        return;
    case simdjson::dom::element_type::ARRAY:
        writer.beginArray();
        for (const auto item : simdjson::dom::array(element)) {
            write(item, options, writer);
        }
        writer.endArray();
        return;
    case simdjson::dom::element_type::STRING:
        if (options & MaskAttributionNonce) {
            writer.value(maybeMasked(element.get_string().value_unsafe(), options));
            return;
        }
        writer.raw(Json::serialize(element));
        return;
    default:
        writer.raw(Json::serialize(element));
        return;
    }
}

} // namespace

QByteArray canonical(simdjson::dom::element element, int options)
{
    QByteArray out;
    JsonWriter writer(out);
    write(element, options, writer);
    return out;
}

QByteArray canonicalContent(simdjson::dom::element element, int options)
{
    std::string_view text;
    if ((options & TextBlocks) && element.get_string().get(text) == simdjson::SUCCESS) {
        return textBlock(maybeMasked(text, options));
    }
    return canonical(element, options);
}

QByteArray textBlock(QByteArrayView text)
{
    QByteArray out;
    JsonWriter writer(out);
    writer.beginArray().beginObject().field("type", "text").field("text", text).endObject().endArray();
    return out;
}

QByteArray maskAttributionNonce(QByteArrayView text)
{
    static constexpr QByteArrayView Header = "x-anthropic-billing-header:";
    static constexpr QByteArrayView Key = "cch=";
    QByteArray masked = text.toByteArray();
    if (!text.startsWith(Header)) {
        return masked;
    }
    const qsizetype lineEnd = text.indexOf('\n');
    const qsizetype key = text.indexOf(Key);
    if (key < 0 || (lineEnd >= 0 && key > lineEnd)) {
        return masked;
    }
    const qsizetype start = key + Key.size();
    qsizetype end = start;
    while (end < text.size() && text[end] != ';' && text[end] != ' ' && text[end] != '\n') {
        ++end;
    }
    return masked.replace(start, end - start, "00000");
}

QByteArray digest(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex().left(16);
}

} // namespace Switchboard::Core::PromptJson
