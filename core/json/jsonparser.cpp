// SPDX-License-Identifier: MIT
#include "jsonparser.h"

#include "jsonwriter.h"

#include <cstring>
#include <vector>

namespace Switchboard::Core {

struct JsonParser::Slot
{
    Slot()
    {
        // Only fails on allocation failure; parse() reports that again if it happens.
        [[maybe_unused]] const auto error = parser.allocate(4096, MaxDepth);
    }
    simdjson::dom::parser parser;
    std::vector<char> buffer;
    bool inUse = false;
};

namespace {
thread_local std::unique_ptr<JsonParser::Slot> threadSlot;
} // namespace

JsonParser::JsonParser()
{
    if (!threadSlot) {
        threadSlot = std::make_unique<Slot>();
    }
    if (threadSlot->inUse) {
        m_private = std::make_unique<Slot>();
        m_slot = m_private.get();
    } else {
        m_slot = threadSlot.get();
    }
    m_slot->inUse = true;
}

JsonParser::~JsonParser()
{
    m_slot->inUse = false;
}

simdjson::simdjson_result<simdjson::dom::element> JsonParser::parse(QByteArrayView json)
{
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse from a padded copy.
    const auto size = std::size_t(json.size());
    if (m_slot->buffer.size() < size + simdjson::SIMDJSON_PADDING) {
        m_slot->buffer.resize(size + simdjson::SIMDJSON_PADDING);
    }
    if (size > 0) {
        std::memcpy(m_slot->buffer.data(), json.data(), size);
    }
    std::memset(m_slot->buffer.data() + size, 0, simdjson::SIMDJSON_PADDING);
    return m_slot->parser.parse(m_slot->buffer.data(), size, false);
}

namespace Json {

QByteArray serialize(simdjson::dom::element element)
{
    return toBytes(simdjson::minify(element));
}

simdjson::simdjson_result<simdjson::dom::element> lastAt(simdjson::dom::object object, std::string_view key)
{
    simdjson::simdjson_result<simdjson::dom::element> found(simdjson::NO_SUCH_FIELD);
    for (const auto field : object) {
        if (field.key == key) {
            found = simdjson::simdjson_result<simdjson::dom::element>(simdjson::dom::element(field.value));
        }
    }
    return found;
}

QByteArray stringAt(simdjson::dom::object object, std::string_view key)
{
    std::string_view text;
    if (lastAt(object, key).get_string().get(text) != simdjson::SUCCESS) {
        return {};
    }
    return toBytes(text);
}

QByteArray withStringField(QByteArrayView json, std::string_view key, QByteArrayView value)
{
    JsonParser parser;
    simdjson::dom::object root;
    if (parser.parse(json).get_object().get(root) != simdjson::SUCCESS) {
        return {};
    }
    QByteArray out;
    out.reserve(json.size() + value.size());
    JsonWriter writer(out);
    writer.beginObject();
    bool replaced = false;
    for (const auto field : root) {
        writer.key(QByteArrayView(field.key.data(), qsizetype(field.key.size())));
        if (field.key == key) {
            writer.value(value);
            replaced = true;
        } else {
            writer.raw(serialize(field.value));
        }
    }
    if (!replaced) {
        writer.field(QByteArrayView(key.data(), qsizetype(key.size())), value);
    }
    writer.endObject();
    return out;
}

} // namespace Json

} // namespace Switchboard::Core
