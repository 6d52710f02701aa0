// SPDX-License-Identifier: MIT
#include "chatsettingsjson.h"

#include "json/jsonparser.h"
#include "json/jsonwriter.h"

#include <limits>

namespace Switchboard::Core::ChatSettingsJson {

using simdjson::dom::element;
using simdjson::dom::object;

QByteArray write(const ChatSettings &settings)
{
    QByteArray out;
    JsonWriter json(out);
    json.beginObject();
    json.field("model", settings.model.toUtf8());
    json.field("system", settings.system.toUtf8());
    if (settings.temperature) {
        json.field("temperature", *settings.temperature);
    }
    if (settings.topP) {
        json.field("top_p", *settings.topP);
    }
    if (settings.topK) {
        json.field("top_k", *settings.topK);
    }
    json.field("max_tokens", settings.maxTokens);
    json.key("stop_sequences").beginArray();
    for (const QString &sequence : settings.stopSequences) {
        json.value(sequence.toUtf8());
    }
    json.endArray();
    json.field("stream", settings.stream);
    // Kept as text, not as JSON: the user's tools are saved as typed, even while being edited.
    if (!settings.toolsJson.isEmpty()) {
        json.field("tools_json", settings.toolsJson.toUtf8());
    }
    if (!settings.toolChoice.isEmpty()) {
        json.field("tool_choice_json", settings.toolChoice.toUtf8());
    }
    if (settings.thinkingBudget) {
        json.field("thinking_budget", *settings.thinkingBudget);
    }
    json.endObject();
    return out;
}

namespace {

// Each reader leaves `target` alone when the field is absent or null and fails on a wrong type.

std::optional<element> presentField(object fields, std::string_view key)
{
    element value;
    if (fields.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
        return std::nullopt;
    }
    return value;
}

bool toString(element value, QString &target)
{
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
        return false;
    }
    target = QString::fromUtf8(text.data(), qsizetype(text.size()));
    return true;
}

bool toInt(element value, int &target)
{
    int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number < std::numeric_limits<int>::min() ||
        number > std::numeric_limits<int>::max()) {
        return false;
    }
    target = int(number);
    return true;
}

bool readString(object fields, std::string_view key, QString &target)
{
    const auto value = presentField(fields, key);
    return !value || toString(*value, target);
}

bool readDouble(object fields, std::string_view key, std::optional<double> &target)
{
    const auto value = presentField(fields, key);
    if (!value) {
        return true;
    }
    double number = 0; // the DOM converts integers, so a stored 0 reads back as 0.0
    if (value->get_double().get(number) != simdjson::SUCCESS) {
        return false;
    }
    target = number;
    return true;
}

bool readInt(object fields, std::string_view key, int &target)
{
    const auto value = presentField(fields, key);
    return !value || toInt(*value, target);
}

bool readOptionalInt(object fields, std::string_view key, std::optional<int> &target)
{
    const auto value = presentField(fields, key);
    int number = 0;
    if (!value) {
        return true;
    }
    if (!toInt(*value, number)) {
        return false;
    }
    target = number;
    return true;
}

bool readBool(object fields, std::string_view key, bool &target)
{
    const auto value = presentField(fields, key);
    return !value || value->get_bool().get(target) == simdjson::SUCCESS;
}

bool readStrings(object fields, std::string_view key, QStringList &target)
{
    const auto value = presentField(fields, key);
    simdjson::dom::array items;
    if (!value) {
        return true;
    }
    if (value->get_array().get(items) != simdjson::SUCCESS) {
        return false;
    }
    QStringList strings;
    for (element item : items) {
        if (!toString(item, strings.emplace_back())) {
            return false;
        }
    }
    target = strings;
    return true;
}

} // namespace

std::optional<ChatSettings> read(QByteArrayView json)
{
    JsonParser parser;
    object fields;
    if (parser.parse(json).get_object().get(fields) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    ChatSettings settings;
    const bool ok =
        readString(fields, "model", settings.model) && readString(fields, "system", settings.system) &&
        readDouble(fields, "temperature", settings.temperature) && readDouble(fields, "top_p", settings.topP) &&
        readOptionalInt(fields, "top_k", settings.topK) && readInt(fields, "max_tokens", settings.maxTokens) &&
        readStrings(fields, "stop_sequences", settings.stopSequences) && readBool(fields, "stream", settings.stream) &&
        readString(fields, "tools_json", settings.toolsJson) &&
        readString(fields, "tool_choice_json", settings.toolChoice) &&
        readOptionalInt(fields, "thinking_budget", settings.thinkingBudget);
    if (!ok) {
        return std::nullopt;
    }
    return settings;
}

} // namespace Switchboard::Core::ChatSettingsJson
