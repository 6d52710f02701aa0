// SPDX-License-Identifier: MIT
#include "promptjson.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"

#include <QtCore/QCryptographicHash>

namespace Switchboard::Core::PromptJson {

namespace {

void write(simdjson::dom::element element, int options, JsonWriter &writer)
{
    switch (element.type()) {
    case simdjson::dom::element_type::OBJECT:
        writer.beginObject();
        for (const auto field : simdjson::dom::object(element)) {
            if ((options & DropCacheControl) && field.key == "cache_control") {
                continue;
            }
            writer.key(QByteArrayView(field.key.data(), qsizetype(field.key.size())));
            std::string_view text;
            if ((options & TextBlocks) && field.key == "content" &&
                field.value.get_string().get(text) == simdjson::SUCCESS) {
                writer.raw(textBlock(QByteArrayView(text.data(), qsizetype(text.size()))));
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

QByteArray textBlock(QByteArrayView text)
{
    QByteArray out;
    JsonWriter writer(out);
    writer.beginArray().beginObject().field("type", "text").field("text", text).endObject().endArray();
    return out;
}

QByteArray digest(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex().left(16);
}

} // namespace Switchboard::Core::PromptJson
