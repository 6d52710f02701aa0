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

QByteArray minified(QByteArrayView json)
{
    JsonParser parser;
    if (parser.parse(json).error() != simdjson::SUCCESS) {
        return {};
    }
    // Valid JSON, so a byte outside a string is either whitespace or part of a token.
    QByteArray out;
    out.reserve(json.size());
    bool inString = false;
    bool escaped = false;
    for (const char c : json) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        } else if (c == '"') {
            inString = true;
        }
        out.append(c);
    }
    return out;
}

bool isObject(QByteArrayView json)
{
    JsonParser parser;
    simdjson::dom::object object;
    return parser.parse(json).get_object().get(object) == simdjson::SUCCESS;
}

QByteArray rawAt(QByteArrayView json, std::string_view pointer)
{
    {
        // The on-demand parser below only checks what it reads; check the whole text first.
        JsonParser validator;
        if (validator.parse(json).error() != simdjson::SUCCESS) {
            return {};
        }
    }
    // The DOM keeps no source text, so the value's own bytes come from an on-demand walk.
    simdjson::ondemand::parser parser;
    const simdjson::padded_string padded(json.data(), std::size_t(json.size()));
    simdjson::ondemand::document document;
    simdjson::ondemand::value value;
    simdjson::ondemand::json_type type;
    if (parser.iterate(padded).get(document) != simdjson::SUCCESS ||
        document.at_pointer(pointer).get(value) != simdjson::SUCCESS || value.type().get(type) != simdjson::SUCCESS) {
        return {};
    }
    std::string_view text;
    simdjson::error_code error = simdjson::SUCCESS;
    if (type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object object;
        error = value.get_object().get(object);
        if (error == simdjson::SUCCESS) {
            error = object.raw_json().get(text);
        }
    } else if (type == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array array;
        error = value.get_array().get(array);
        if (error == simdjson::SUCCESS) {
            error = array.raw_json().get(text);
        }
    } else {
        text = value.raw_json_token(); // a scalar, with the whitespace after it
        while (!text.empty() &&
               (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
            text.remove_suffix(1);
        }
    }
    return error == simdjson::SUCCESS ? toBytes(text) : QByteArray();
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
