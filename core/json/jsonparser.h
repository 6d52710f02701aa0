// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <simdjson.h>

#include <memory>

namespace Switchboard::Core {

// A scoped simdjson DOM parser. It borrows the thread's parser and padded buffer, so parsing an
// upstream chunk allocates nothing; a nested parse on the same thread gets a private parser.
// Elements returned by parse() live until the next parse() or the end of this object.
class JsonParser
{
public:
    static constexpr std::size_t MaxDepth = 128;

    JsonParser();
    ~JsonParser();
    JsonParser(const JsonParser &) = delete;
    JsonParser &operator=(const JsonParser &) = delete;

    simdjson::simdjson_result<simdjson::dom::element> parse(QByteArrayView json);

    struct Slot; // a parser and its padded input buffer

private:
    Slot *m_slot = nullptr;
    std::unique_ptr<Slot> m_private;
};

// Helpers for reading a DOM into Qt types.
namespace Json {

inline QByteArray toBytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

// Compact serialisation of a subtree, keys in their original order.
QByteArray serialize(simdjson::dom::element element);

// The member `key` of `object`; when the key is there more than once, the last one, as the
// Anthropic API's parser (and JSON.parse) take it, so a value checked here is the value upstream uses.
simdjson::simdjson_result<simdjson::dom::element> lastAt(simdjson::dom::object object, std::string_view key);

// The string at `key` (the last one, see lastAt), or an empty array when absent or not a string.
QByteArray stringAt(simdjson::dom::object object, std::string_view key);

// `json` without the whitespace between its tokens, every other byte as written: keys in their
// order, numbers as spelled (1.0 stays 1.0 and 1e2 stays 1e2, where QJsonDocument writes 1 and 100)
// and strings with their escapes. Empty when `json` is not one valid JSON value.
QByteArray minified(QByteArrayView json);

// Whether `json` is one valid JSON object.
bool isObject(QByteArrayView json);

// The text of the value at `pointer` (RFC 6901: "/content/0/input") in `json`, exactly as written
// there; empty when `json` is not valid JSON or holds nothing at `pointer`.
QByteArray rawAt(QByteArrayView json, std::string_view pointer);

// `json` (an object) with the top-level string `key` set to `value`; other members keep their order.
// Returns an empty array if `json` is not an object.
QByteArray withStringField(QByteArrayView json, std::string_view key, QByteArrayView value);

} // namespace Json

} // namespace Switchboard::Core
