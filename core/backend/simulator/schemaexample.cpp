// SPDX-License-Identifier: MIT
#include "schemaexample.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"

namespace Switchboard::Core::SchemaExample {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr int MaxDepth = 16;

class Builder
{
public:
    Builder(QByteArray &out, QByteArrayView quoted)
        : m_json(out)
        , m_quoted(quoted)
    {}

    void value(element schema, std::string_view propertyName, int depth)
    {
        object fields;
        if (depth > MaxDepth || schema.get_object().get(fields) != simdjson::SUCCESS) {
            m_json.null();
            return;
        }
        element given;
        if (fields.at_key("const").get(given) == simdjson::SUCCESS ||
            fields.at_key("default").get(given) == simdjson::SUCCESS) {
            m_json.raw(Json::serialize(given));
            return;
        }
        array options;
        if (fields.at_key("enum").get_array().get(options) == simdjson::SUCCESS && options.size() > 0) {
            m_json.raw(Json::serialize(options.at(0).value()));
            return;
        }
        for (const char *alternatives : {"anyOf", "oneOf", "allOf"}) {
            if (fields.at_key(alternatives).get_array().get(options) == simdjson::SUCCESS && options.size() > 0) {
                value(options.at(0).value(), propertyName, depth + 1);
                return;
            }
        }
        const std::string_view type = typeOf(fields);
        if (type == "object") {
            objectValue(fields, depth);
        } else if (type == "array") {
            arrayValue(fields, propertyName, depth);
        } else if (type == "integer" || type == "number") {
            numberValue(fields, type == "integer");
        } else if (type == "boolean") {
            m_json.value(true);
        } else if (type == "null") {
            m_json.null();
        } else {
            stringValue(fields);
        }
    }

private:
    static std::string_view typeOf(object fields)
    {
        std::string_view type;
        if (fields.at_key("type").get_string().get(type) == simdjson::SUCCESS) {
            return type;
        }
        array types;
        if (fields.at_key("type").get_array().get(types) == simdjson::SUCCESS) {
            for (element item : types) {
                std::string_view candidate;
                if (item.get_string().get(candidate) == simdjson::SUCCESS && candidate != "null") {
                    return candidate;
                }
            }
        }
        if (fields.at_key("properties").error() == simdjson::SUCCESS) {
            return "object";
        }
        if (fields.at_key("items").error() == simdjson::SUCCESS) {
            return "array";
        }
        return "string";
    }

    void objectValue(object fields, int depth)
    {
        m_json.beginObject();
        object properties;
        if (fields.at_key("properties").get_object().get(properties) == simdjson::SUCCESS) {
            array required;
            const bool hasRequired = fields.at_key("required").get_array().get(required) == simdjson::SUCCESS;
            for (const auto property : properties) {
                if (hasRequired && !contains(required, property.key)) {
                    continue;
                }
                m_json.key(QByteArrayView(property.key.data(), qsizetype(property.key.size())));
                value(property.value, property.key, depth + 1);
            }
        }
        m_json.endObject();
    }

    void arrayValue(object fields, std::string_view propertyName, int depth)
    {
        m_json.beginArray();
        int64_t minItems = 0;
        element items;
        if (fields.at_key("minItems").get_int64().get(minItems) == simdjson::SUCCESS &&
            fields.at_key("items").get(items) == simdjson::SUCCESS) {
            for (int64_t i = 0; i < qMin<int64_t>(minItems, 8); ++i) {
                value(items, propertyName, depth + 1);
            }
        }
        m_json.endArray();
    }

    void numberValue(object fields, bool integer)
    {
        double number = 1;
        double bound = 0;
        if (fields.at_key("minimum").get_double().get(bound) == simdjson::SUCCESS) {
            number = bound;
        } else if (fields.at_key("exclusiveMinimum").get_double().get(bound) == simdjson::SUCCESS) {
            number = integer ? std::floor(bound) + 1 : bound + 0.5;
        } else if (fields.at_key("maximum").get_double().get(bound) == simdjson::SUCCESS && bound < 1) {
            number = bound;
        }
        if (integer) {
            m_json.value(std::int64_t(std::ceil(number)));
        } else {
            m_json.value(number);
        }
    }

    void stringValue(object fields)
    {
        std::string_view format;
        if (fields.at_key("format").get_string().get(format) == simdjson::SUCCESS) {
            if (format == "date") {
                m_json.value("2026-01-01");
                return;
            }
            if (format == "date-time") {
                m_json.value("2026-01-01T00:00:00Z");
                return;
            }
            if (format == "email") {
                m_json.value("user@example.com");
                return;
            }
            if (format == "uri" || format == "url") {
                m_json.value("https://example.com/");
                return;
            }
        }
        if (!m_quoted.isEmpty() && !m_usedQuote) {
            m_usedQuote = true;
            m_json.value(m_quoted);
            return;
        }
        int64_t minLength = 0;
        QByteArray text = "example";
        if (fields.at_key("minLength").get_int64().get(minLength) == simdjson::SUCCESS && minLength > text.size()) {
            text = text.leftJustified(qsizetype(qMin<int64_t>(minLength, 1024)), 'x');
        }
        m_json.value(text);
    }

    static bool contains(array names, std::string_view name)
    {
        for (element item : names) {
            std::string_view candidate;
            if (item.get_string().get(candidate) == simdjson::SUCCESS && candidate == name) {
                return true;
            }
        }
        return false;
    }

    JsonWriter m_json;
    QByteArrayView m_quoted;
    bool m_usedQuote = false;
};

} // namespace

QByteArray forSchema(QByteArrayView schema, QByteArrayView quoted)
{
    JsonParser parser;
    element root;
    if (parser.parse(schema).get(root) != simdjson::SUCCESS) {
        return QByteArrayLiteral("{}");
    }
    QByteArray out;
    Builder builder(out, quoted);
    builder.value(root, {}, 0);
    return out;
}

} // namespace Switchboard::Core::SchemaExample
