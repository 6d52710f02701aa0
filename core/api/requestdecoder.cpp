// SPDX-License-Identifier: MIT
#include "requestdecoder.h"

#include "imagecheck.h"
#include "json/jsonparser.h"

#include <QtCore/QSet>

#include <cmath>
#include <limits>

namespace Switchboard::Core {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

using Failure = std::optional<ApiError>;

constexpr int MaxMetadataUserIdLength = 256;
constexpr int MaxToolNameLength = 128;
constexpr int MinThinkingBudget = 1024;

bool isNumber(element value)
{
    const auto type = value.type();
    return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

double numberOf(element value)
{
    switch (value.type()) {
    case element_type::INT64:
        return double(int64_t(value));
    case element_type::UINT64:
        return double(uint64_t(value));
    default:
        return double(value);
    }
}

QByteArray formatNumber(double value)
{
    return QByteArray::number(value, 'g', 15);
}

bool isValidToolName(const QByteArray &name)
{
    if (name.isEmpty() || name.size() > MaxToolNameLength) {
        return false;
    }
    for (const char c : name) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// Walks the DOM once, building the typed request and naming the path of the first violation.
class Decoder
{
public:
    explicit Decoder(RequestDecoder::Endpoint endpoint)
        : m_endpoint(endpoint)
    {}

    Failure decode(object root, MessagesRequest &request);

private:
    // Appends a path segment for the lifetime of the scope.
    class Scope
    {
    public:
        Scope(Decoder &decoder, QByteArrayView segment)
            : m_decoder(decoder)
            , m_previousSize(decoder.m_path.size())
        {
            if (!decoder.m_path.isEmpty()) {
                decoder.m_path.append('.');
            }
            decoder.m_path.append(segment.data(), segment.size());
        }
        Scope(Decoder &decoder, std::size_t index)
            : Scope(decoder, QByteArray::number(qulonglong(index)))
        {}
        ~Scope() { m_decoder.m_path.truncate(m_previousSize); }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        Decoder &m_decoder;
        qsizetype m_previousSize;
    };

    ApiError fail(const QByteArray &message) const
    {
        if (m_path.isEmpty()) {
            return ApiError::invalidRequest(message);
        }
        return ApiError::invalidRequest(m_path + ": " + message);
    }

    Failure expectType(element value, element_type type);
    Failure readString(element value, QByteArray &out);
    Failure readRequiredString(object parent, std::string_view key, QByteArray &out);
    Failure readOptionalString(object parent, std::string_view key, QByteArray &out);
    Failure readInteger(element value, int64_t minimum, int64_t maximum, int64_t &out);
    Failure readNumber(element value, double minimum, double maximum, double &out);
    Failure readBool(element value, bool &out);

    Failure checkCacheControl(object parent);
    Failure decodeSystem(element value, std::vector<TextBlock> &system);
    Failure decodeTextBlockList(element value, std::vector<TextBlock> &blocks);
    Failure decodeMessages(element value, MessagesRequest &request);
    Failure decodeContent(element value, Role role, std::vector<ContentBlock> &content);
    Failure decodeBlock(element blockElement, Role role, ContentBlock &out);
    Failure decodeNestedBlocks(element value, std::vector<ContentBlock> &content);
    enum class SourceOf
    {
        Image,
        Document,
    };
    Failure decodeSource(element value, MediaSource &source, SourceOf owner);
    Failure decodeTools(element value, std::vector<ToolDefinition> &tools);
    Failure decodeToolChoice(element value, ToolChoice &choice);
    Failure decodeThinking(element value, ThinkingConfig &thinking);
    Failure decodeStopSequences(element value, std::vector<QByteArray> &sequences);
    Failure decodeMetadata(element value, QByteArray &userId);
    Failure checkToolPairing(const MessagesRequest &request);
    Failure checkCombinations(const MessagesRequest &request);

    RequestDecoder::Endpoint m_endpoint;
    QByteArray m_path;
    std::size_t m_blocks = 0;
    std::size_t m_images = 0;
    // Each base64 image's path and longest side, for the rule that depends on how many there are.
    std::vector<std::pair<QByteArray, int>> m_imageSides;
};

Failure Decoder::expectType(element value, element_type type)
{
    if (value.type() == type) {
        return {};
    }
    switch (type) {
    case element_type::STRING:
        return fail("Input should be a valid string");
    case element_type::ARRAY:
        return fail("Input should be a valid list");
    case element_type::OBJECT:
        return fail("Input should be a valid dictionary");
    case element_type::BOOL:
        return fail("Input should be a valid boolean");
    default:
        return fail("Input has the wrong type");
    }
}

Failure Decoder::readString(element value, QByteArray &out)
{
    if (auto error = expectType(value, element_type::STRING)) {
        return error;
    }
    out = Json::toBytes(std::string_view(value));
    return {};
}

Failure Decoder::readRequiredString(object parent, std::string_view key, QByteArray &out)
{
    Scope scope(*this, QByteArrayView(key.data(), qsizetype(key.size())));
    element value;
    if (Json::lastAt(parent, key).get(value) != simdjson::SUCCESS) {
        return fail("Field required");
    }
    return readString(value, out);
}

Failure Decoder::readOptionalString(object parent, std::string_view key, QByteArray &out)
{
    element value;
    if (Json::lastAt(parent, key).get(value) != simdjson::SUCCESS || value.is_null()) {
        return {};
    }
    Scope scope(*this, QByteArrayView(key.data(), qsizetype(key.size())));
    return readString(value, out);
}

Failure Decoder::readInteger(element value, int64_t minimum, int64_t maximum, int64_t &out)
{
    if (!isNumber(value)) {
        return fail("Input should be a valid integer");
    }
    if (value.type() == element_type::DOUBLE) {
        const double number = double(value);
        if (std::trunc(number) != number) {
            return fail("Input should be a valid integer, got a number with a fractional part");
        }
        if (number < double(minimum)) {
            return fail("Input should be greater than or equal to " + QByteArray::number(minimum));
        }
        if (number > double(maximum)) {
            return fail("Input should be less than or equal to " + QByteArray::number(maximum));
        }
        out = int64_t(number);
        return {};
    }
    if (value.type() == element_type::UINT64) {
        return fail("Input should be less than or equal to " + QByteArray::number(maximum));
    }
    const int64_t number = int64_t(value);
    if (number < minimum) {
        return fail("Input should be greater than or equal to " + QByteArray::number(minimum));
    }
    if (number > maximum) {
        return fail("Input should be less than or equal to " + QByteArray::number(maximum));
    }
    out = number;
    return {};
}

Failure Decoder::readNumber(element value, double minimum, double maximum, double &out)
{
    if (!isNumber(value)) {
        return fail("Input should be a valid number");
    }
    const double number = numberOf(value);
    if (number < minimum) {
        return fail("Input should be greater than or equal to " + formatNumber(minimum));
    }
    if (number > maximum) {
        return fail("Input should be less than or equal to " + formatNumber(maximum));
    }
    out = number;
    return {};
}

Failure Decoder::readBool(element value, bool &out)
{
    if (auto error = expectType(value, element_type::BOOL)) {
        return error;
    }
    out = bool(value);
    return {};
}

Failure Decoder::decode(object root, MessagesRequest &request)
{
    if (auto error = readRequiredString(root, "model", request.model)) {
        return error;
    }
    if (request.model.isEmpty()) {
        Scope scope(*this, "model");
        return fail("String should have at least 1 character");
    }
    if (request.model.size() > RequestDecoder::MaxModelNameBytes) {
        Scope scope(*this, "model");
        return fail("String should have at most " + QByteArray::number(RequestDecoder::MaxModelNameBytes) +
                    " characters");
    }

    element value;
    if (m_endpoint == RequestDecoder::Endpoint::Messages) {
        Scope scope(*this, "max_tokens");
        if (Json::lastAt(root, "max_tokens").get(value) != simdjson::SUCCESS) {
            return fail("Field required");
        }
        int64_t maxTokens = 0;
        if (auto error = readInteger(value, 1, std::numeric_limits<int>::max(), maxTokens)) {
            return error;
        }
        request.maxTokens = int(maxTokens);
    }

    if (Json::lastAt(root, "system").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "system");
        if (auto error = decodeSystem(value, request.system)) {
            return error;
        }
    }

    {
        Scope scope(*this, "messages");
        if (Json::lastAt(root, "messages").get(value) != simdjson::SUCCESS) {
            return fail("Field required");
        }
        if (auto error = decodeMessages(value, request)) {
            return error;
        }
    }

    if (Json::lastAt(root, "temperature").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "temperature");
        double temperature = 0;
        if (auto error = readNumber(value, 0.0, 1.0, temperature)) {
            return error;
        }
        request.temperature = temperature;
    }
    if (Json::lastAt(root, "top_p").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "top_p");
        double topP = 0;
        if (auto error = readNumber(value, 0.0, 1.0, topP)) {
            return error;
        }
        request.topP = topP;
    }
    if (Json::lastAt(root, "top_k").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "top_k");
        int64_t topK = 0;
        if (auto error = readInteger(value, 0, std::numeric_limits<int>::max(), topK)) {
            return error;
        }
        request.topK = int(topK);
    }
    if (Json::lastAt(root, "stop_sequences").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "stop_sequences");
        if (auto error = decodeStopSequences(value, request.stopSequences)) {
            return error;
        }
    }
    if (Json::lastAt(root, "stream").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "stream");
        if (auto error = readBool(value, request.stream)) {
            return error;
        }
    }
    if (Json::lastAt(root, "metadata").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "metadata");
        if (auto error = decodeMetadata(value, request.metadataUserId)) {
            return error;
        }
    }
    if (Json::lastAt(root, "tools").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "tools");
        if (auto error = decodeTools(value, request.tools)) {
            return error;
        }
    }
    if (Json::lastAt(root, "tool_choice").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "tool_choice");
        ToolChoice choice;
        if (auto error = decodeToolChoice(value, choice)) {
            return error;
        }
        request.toolChoice = choice;
    }
    if (Json::lastAt(root, "thinking").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "thinking");
        ThinkingConfig thinking;
        if (auto error = decodeThinking(value, thinking)) {
            return error;
        }
        request.thinking = thinking;
    }
    if (Json::lastAt(root, "output_config").get(value) == simdjson::SUCCESS && !value.is_null()) {
        Scope scope(*this, "output_config");
        if (auto error = expectType(value, element_type::OBJECT)) {
            return error;
        }
        if (auto error = readOptionalString(object(value), "effort", request.outputEffort)) {
            return error;
        }
    }

    if (m_imageSides.size() > ImageCheck::ManyImages) {
        for (const auto &[path, side] : m_imageSides) {
            if (side > ImageCheck::MaxSideWhenMany) {
                return ApiError::invalidRequest(
                    path + ": At least one of the image dimensions exceed max allowed size for many-image requests: " +
                    QByteArray::number(ImageCheck::MaxSideWhenMany) + " pixels");
            }
        }
    }
    if (auto error = checkToolPairing(request)) {
        return error;
    }
    return checkCombinations(request);
}

// Local engines ignore cache_control, but a client that sends one the API would refuse must learn
// it here, not when it moves to Anthropic.
Failure Decoder::checkCacheControl(object parent)
{
    element value;
    if (Json::lastAt(parent, "cache_control").get(value) != simdjson::SUCCESS || value.is_null()) {
        return {};
    }
    Scope scope(*this, "cache_control");
    if (auto error = expectType(value, element_type::OBJECT)) {
        return error;
    }
    QByteArray type;
    if (auto error = readRequiredString(object(value), "type", type)) {
        return error;
    }
    if (type != "ephemeral") {
        Scope typeScope(*this, "type");
        return fail("Input should be 'ephemeral'");
    }
    element ttl;
    if (Json::lastAt(object(value), "ttl").get(ttl) == simdjson::SUCCESS && !ttl.is_null()) {
        Scope ttlScope(*this, "ttl");
        QByteArray text;
        if (auto error = readString(ttl, text)) {
            return error;
        }
        if (text != "5m" && text != "1h") {
            return fail("Input should be '5m' or '1h'");
        }
    }
    return {};
}

Failure Decoder::decodeSystem(element value, std::vector<TextBlock> &system)
{
    if (value.type() == element_type::STRING) {
        const auto text = Json::toBytes(std::string_view(value));
        if (!text.isEmpty()) {
            system.push_back(TextBlock{text});
        }
        return {};
    }
    if (value.type() != element_type::ARRAY) {
        return fail("Input should be a valid string or a list of text blocks");
    }
    return decodeTextBlockList(value, system);
}

Failure Decoder::decodeTextBlockList(element value, std::vector<TextBlock> &blocks)
{
    std::size_t index = 0;
    for (element item : array(value)) {
        Scope scope(*this, index++);
        if (auto error = expectType(item, element_type::OBJECT)) {
            return error;
        }
        QByteArray type;
        if (auto error = readRequiredString(object(item), "type", type)) {
            return error;
        }
        if (type != "text") {
            Scope typeScope(*this, "type");
            return fail("Input should be 'text'");
        }
        if (auto error = checkCacheControl(object(item))) {
            return error;
        }
        TextBlock block;
        if (auto error = readRequiredString(object(item), "text", block.text)) {
            return error;
        }
        blocks.push_back(std::move(block));
    }
    return {};
}

Failure Decoder::decodeMessages(element value, MessagesRequest &request)
{
    if (auto error = expectType(value, element_type::ARRAY)) {
        return error;
    }
    const array messages(value);
    if (messages.size() == 0) {
        return fail("List should have at least 1 item after validation, not 0");
    }
    if (messages.size() > RequestDecoder::MaxMessages) {
        return fail("List should have at most " + QByteArray::number(qulonglong(RequestDecoder::MaxMessages)) +
                    " items after validation, not " + QByteArray::number(qulonglong(messages.size())));
    }

    std::size_t index = 0;
    for (element item : messages) {
        Scope scope(*this, index++);
        if (auto error = expectType(item, element_type::OBJECT)) {
            return error;
        }
        const object message(item);
        QByteArray role;
        if (auto error = readRequiredString(message, "role", role)) {
            return error;
        }
        element content;
        if (Json::lastAt(message, "content").get(content) != simdjson::SUCCESS) {
            Scope contentScope(*this, "content");
            return fail("Field required");
        }
        if (role == "system") {
            // Claude Code >= 2.1.154 sends mid-conversation system entries (ollama#16372); they stay
            // at their position, so the prompt before them never changes.
            Scope contentScope(*this, "content");
            SystemMessage system{request.messages.size(), {}};
            if (auto error = decodeSystem(content, system.content)) {
                return error;
            }
            if (!system.content.empty()) {
                request.systemMessages.push_back(std::move(system));
            }
            continue;
        }
        Message decoded;
        if (role == "user") {
            decoded.role = Role::User;
        } else if (role == "assistant") {
            decoded.role = Role::Assistant;
        } else {
            Scope roleScope(*this, "role");
            return fail("Input should be 'user', 'assistant' or 'system'");
        }
        {
            Scope contentScope(*this, "content");
            if (auto error = decodeContent(content, decoded.role, decoded.content)) {
                return error;
            }
        }
        request.messages.push_back(std::move(decoded));
    }

    if (request.messages.empty()) {
        return fail("at least one user or assistant message is required");
    }
    // Only a final assistant turn (a prefill) may be empty.
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
        const auto &message = request.messages[i];
        const bool isFinalAssistant = i + 1 == request.messages.size() && message.role == Role::Assistant;
        if (message.content.empty() && !isFinalAssistant) {
            return fail("all messages must have non-empty content except for the optional final assistant message");
        }
    }
    // A prefill that ends in whitespace would make the model continue after a space it never chose.
    const auto &last = request.messages.back();
    if (last.role == Role::Assistant && !last.content.empty()) {
        if (const auto *text = last.content.back().getIf<TextBlock>();
            text && !text->text.isEmpty() && QChar::isSpace(uchar(text->text.back()))) {
            return fail("final assistant content cannot end with trailing whitespace");
        }
    }
    return {};
}

Failure Decoder::decodeContent(element value, Role role, std::vector<ContentBlock> &content)
{
    if (value.type() == element_type::STRING) {
        const auto text = Json::toBytes(std::string_view(value));
        if (!text.isEmpty()) {
            content.emplace_back(TextBlock{text});
        }
        return {};
    }
    if (value.type() != element_type::ARRAY) {
        return fail("Input should be a valid string or a list of content blocks");
    }
    std::size_t index = 0;
    for (element item : array(value)) {
        Scope scope(*this, index++);
        if (auto error = expectType(item, element_type::OBJECT)) {
            return error;
        }
        ContentBlock block;
        if (auto error = decodeBlock(item, role, block)) {
            return error;
        }
        content.push_back(std::move(block));
    }
    return {};
}

Failure Decoder::decodeBlock(element blockElement, Role role, ContentBlock &out)
{
    if (++m_blocks > RequestDecoder::MaxContentBlocks) {
        return fail("a request may hold at most " + QByteArray::number(qulonglong(RequestDecoder::MaxContentBlocks)) +
                    " content blocks");
    }
    const object block(blockElement);
    QByteArray type;
    if (auto error = readRequiredString(block, "type", type)) {
        return error;
    }
    if (auto error = checkCacheControl(block)) {
        return error;
    }
    const bool inAssistant = role == Role::Assistant;
    auto wrongRole = [this, &type](const char *allowedRole) {
        Scope typeScope(*this, "type");
        return fail("`" + type + "` blocks are only allowed in " + allowedRole + " messages");
    };

    if (type == "text") {
        TextBlock text;
        if (auto error = readRequiredString(block, "text", text.text)) {
            return error;
        }
        if (text.text.isEmpty()) {
            Scope textScope(*this, "text");
            return fail("text content blocks must be non-empty");
        }
        out = std::move(text);
        return {};
    }
    if (type == "image") {
        if (++m_images > RequestDecoder::MaxImages) {
            return fail("a request may hold at most " + QByteArray::number(qulonglong(RequestDecoder::MaxImages)) +
                        " images");
        }
        ImageBlock image;
        Scope sourceScope(*this, "source");
        element source;
        if (Json::lastAt(block, "source").get(source) != simdjson::SUCCESS) {
            return fail("Field required");
        }
        if (auto error = decodeSource(source, image.source, SourceOf::Image)) {
            return error;
        }
        out = std::move(image);
        return {};
    }
    if (type == "document") {
        DocumentBlock document;
        {
            Scope sourceScope(*this, "source");
            element source;
            if (Json::lastAt(block, "source").get(source) != simdjson::SUCCESS) {
                return fail("Field required");
            }
            if (auto error = decodeSource(source, document.source, SourceOf::Document)) {
                return error;
            }
        }
        if (auto error = readOptionalString(block, "title", document.title)) {
            return error;
        }
        if (auto error = readOptionalString(block, "context", document.context)) {
            return error;
        }
        out = std::move(document);
        return {};
    }
    if (type == "tool_use") {
        if (!inAssistant) {
            return wrongRole("assistant");
        }
        ToolUseBlock toolUse;
        if (auto error = readRequiredString(block, "id", toolUse.id)) {
            return error;
        }
        if (auto error = readRequiredString(block, "name", toolUse.name)) {
            return error;
        }
        Scope inputScope(*this, "input");
        element input;
        if (Json::lastAt(block, "input").get(input) != simdjson::SUCCESS) {
            return fail("Field required");
        }
        if (auto error = expectType(input, element_type::OBJECT)) {
            return error;
        }
        toolUse.input = Json::serialize(input);
        out = std::move(toolUse);
        return {};
    }
    if (type == "tool_result") {
        if (inAssistant) {
            return wrongRole("user");
        }
        ToolResultBlock result;
        if (auto error = readRequiredString(block, "tool_use_id", result.toolUseId)) {
            return error;
        }
        element value;
        if (Json::lastAt(block, "is_error").get(value) == simdjson::SUCCESS && !value.is_null()) {
            Scope errorScope(*this, "is_error");
            if (auto error = readBool(value, result.isError)) {
                return error;
            }
        }
        if (Json::lastAt(block, "content").get(value) == simdjson::SUCCESS && !value.is_null()) {
            Scope contentScope(*this, "content");
            if (value.type() == element_type::STRING) {
                const auto text = Json::toBytes(std::string_view(value));
                if (!text.isEmpty()) {
                    result.content.emplace_back(TextBlock{text});
                }
            } else if (auto error = decodeNestedBlocks(value, result.content)) {
                return error;
            }
        }
        out = std::move(result);
        return {};
    }
    if (type == "thinking") {
        if (!inAssistant) {
            return wrongRole("assistant");
        }
        ThinkingBlock thinking;
        if (auto error = readRequiredString(block, "thinking", thinking.thinking)) {
            return error;
        }
        if (auto error = readRequiredString(block, "signature", thinking.signature)) {
            return error;
        }
        out = std::move(thinking);
        return {};
    }
    if (type == "redacted_thinking") {
        if (!inAssistant) {
            return wrongRole("assistant");
        }
        RedactedThinkingBlock redacted;
        if (auto error = readRequiredString(block, "data", redacted.data)) {
            return error;
        }
        out = std::move(redacted);
        return {};
    }
    // Newer and server-side block types (search_result, server_tool_use, web_search_tool_result, ...):
    // kept whole so a pass-through route relays them and translators can say what they dropped.
    out = OtherBlock{type, Json::serialize(blockElement)};
    return {};
}

Failure Decoder::decodeNestedBlocks(element value, std::vector<ContentBlock> &content)
{
    if (auto error = expectType(value, element_type::ARRAY)) {
        return error;
    }
    std::size_t index = 0;
    for (element item : array(value)) {
        Scope scope(*this, index++);
        if (auto error = expectType(item, element_type::OBJECT)) {
            return error;
        }
        const object block(item);
        const QByteArray type = Json::stringAt(block, "type");
        if (type == "tool_use" || type == "tool_result" || type == "thinking" || type == "redacted_thinking") {
            Scope typeScope(*this, "type");
            return fail("`" + type + "` blocks are not allowed here");
        }
        ContentBlock decoded;
        if (auto error = decodeBlock(item, Role::User, decoded)) {
            return error;
        }
        content.push_back(std::move(decoded));
    }
    return {};
}

Failure Decoder::decodeSource(element value, MediaSource &source, SourceOf owner)
{
    if (auto error = expectType(value, element_type::OBJECT)) {
        return error;
    }
    const object fields(value);
    QByteArray kind;
    if (auto error = readRequiredString(fields, "type", kind)) {
        return error;
    }
    const bool document = owner == SourceOf::Document;
    if (kind == "base64") {
        source.kind = MediaSource::Kind::Base64;
        if (auto error = readRequiredString(fields, "media_type", source.mediaType)) {
            return error;
        }
        static const QSet<QByteArray> imageTypes{"image/jpeg", "image/png", "image/gif", "image/webp"};
        if (!document && !imageTypes.contains(source.mediaType)) {
            Scope mediaScope(*this, "media_type");
            return fail("Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
        }
        if (auto error = readRequiredString(fields, "data", source.data); error || document) {
            return error;
        }
        Scope dataScope(*this, "data");
        int longestSide = 0;
        if (const auto problem = ImageCheck::problem(source, longestSide)) {
            return fail(*problem);
        }
        m_imageSides.emplace_back(m_path, longestSide);
        return {};
    }
    if (kind == "url") {
        source.kind = MediaSource::Kind::Url;
        return readRequiredString(fields, "url", source.url);
    }
    if (kind == "file") {
        source.kind = MediaSource::Kind::File;
        return readRequiredString(fields, "file_id", source.fileId);
    }
    if (document && kind == "text") {
        source.kind = MediaSource::Kind::Text;
        if (auto error = readOptionalString(fields, "media_type", source.mediaType)) {
            return error;
        }
        return readRequiredString(fields, "data", source.data);
    }
    if (document && kind == "content") {
        source.kind = MediaSource::Kind::Content;
        Scope contentScope(*this, "content");
        element content;
        if (Json::lastAt(fields, "content").get(content) != simdjson::SUCCESS) {
            return fail("Field required");
        }
        if (content.type() == element_type::STRING) {
            source.content.emplace_back(TextBlock{Json::toBytes(std::string_view(content))});
            return {};
        }
        return decodeNestedBlocks(content, source.content);
    }
    Scope typeScope(*this, "type");
    return fail(document ? "Input should be 'base64', 'text', 'content', 'url' or 'file'"
                         : "Input should be 'base64', 'url' or 'file'");
}

Failure Decoder::decodeTools(element value, std::vector<ToolDefinition> &tools)
{
    if (auto error = expectType(value, element_type::ARRAY)) {
        return error;
    }
    if (const std::size_t count = array(value).size(); count > RequestDecoder::MaxTools) {
        return fail("List should have at most " + QByteArray::number(qulonglong(RequestDecoder::MaxTools)) +
                    " items, not " + QByteArray::number(qulonglong(count)));
    }
    QSet<QByteArray> names;
    std::size_t index = 0;
    for (element item : array(value)) {
        Scope scope(*this, index++);
        if (auto error = expectType(item, element_type::OBJECT)) {
            return error;
        }
        const object fields(item);
        ToolDefinition tool;
        if (auto error = checkCacheControl(fields)) {
            return error;
        }
        if (auto error = readOptionalString(fields, "type", tool.type)) {
            return error;
        }
        if (auto error = readRequiredString(fields, "name", tool.name)) {
            return error;
        }
        const bool isClientTool = tool.type.isEmpty() || tool.type == "custom";
        if (isClientTool) {
            if (!isValidToolName(tool.name)) {
                Scope nameScope(*this, "name");
                return fail("String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
            }
            if (auto error = readOptionalString(fields, "description", tool.description)) {
                return error;
            }
            Scope schemaScope(*this, "input_schema");
            element schema;
            if (Json::lastAt(fields, "input_schema").get(schema) != simdjson::SUCCESS) {
                return fail("Field required");
            }
            if (auto error = expectType(schema, element_type::OBJECT)) {
                return error;
            }
            if (Json::stringAt(object(schema), "type") != "object") {
                Scope typeScope(*this, "type");
                return fail("Input should be 'object'");
            }
            tool.inputSchema = Json::serialize(schema);
        }
        if (names.contains(tool.name)) {
            return fail("Tool names must be unique: '" + tool.name + "' appears more than once");
        }
        names.insert(tool.name);
        tool.json = Json::serialize(item);
        tools.push_back(std::move(tool));
    }
    return {};
}

Failure Decoder::decodeToolChoice(element value, ToolChoice &choice)
{
    if (auto error = expectType(value, element_type::OBJECT)) {
        return error;
    }
    const object fields(value);
    QByteArray type;
    if (auto error = readRequiredString(fields, "type", type)) {
        return error;
    }
    if (type == "auto") {
        choice.type = ToolChoice::Type::Auto;
    } else if (type == "any") {
        choice.type = ToolChoice::Type::Any;
    } else if (type == "tool") {
        choice.type = ToolChoice::Type::Tool;
        if (auto error = readRequiredString(fields, "name", choice.name)) {
            return error;
        }
    } else if (type == "none") {
        choice.type = ToolChoice::Type::None;
    } else {
        Scope typeScope(*this, "type");
        return fail("Input should be 'auto', 'any', 'tool' or 'none'");
    }
    element flag;
    if (Json::lastAt(fields, "disable_parallel_tool_use").get(flag) == simdjson::SUCCESS && !flag.is_null()) {
        Scope flagScope(*this, "disable_parallel_tool_use");
        if (auto error = readBool(flag, choice.disableParallelToolUse)) {
            return error;
        }
    }
    return {};
}

Failure Decoder::decodeThinking(element value, ThinkingConfig &thinking)
{
    if (auto error = expectType(value, element_type::OBJECT)) {
        return error;
    }
    const object fields(value);
    QByteArray type;
    if (auto error = readRequiredString(fields, "type", type)) {
        return error;
    }
    // `display` takes new values over time ("summarized", "omitted", "updates"): accept any string.
    if (auto error = readOptionalString(fields, "display", thinking.display)) {
        return error;
    }
    if (type == "disabled") {
        thinking.type = ThinkingConfig::Type::Disabled;
        return {};
    }
    if (type == "adaptive") {
        thinking.type = ThinkingConfig::Type::Adaptive;
        return {};
    }
    if (type != "enabled") {
        Scope typeScope(*this, "type");
        return fail("Input should be 'enabled', 'disabled' or 'adaptive'");
    }
    thinking.type = ThinkingConfig::Type::Enabled;
    Scope budgetScope(*this, "budget_tokens");
    element budget;
    if (Json::lastAt(fields, "budget_tokens").get(budget) != simdjson::SUCCESS) {
        return fail("Field required");
    }
    int64_t tokens = 0;
    if (auto error = readInteger(budget, MinThinkingBudget, std::numeric_limits<int>::max(), tokens)) {
        return error;
    }
    thinking.budgetTokens = int(tokens);
    return {};
}

Failure Decoder::decodeStopSequences(element value, std::vector<QByteArray> &sequences)
{
    if (auto error = expectType(value, element_type::ARRAY)) {
        return error;
    }
    if (const std::size_t count = array(value).size(); count > RequestDecoder::MaxStopSequences) {
        return fail("List should have at most " + QByteArray::number(qulonglong(RequestDecoder::MaxStopSequences)) +
                    " items, not " + QByteArray::number(qulonglong(count)));
    }
    std::size_t index = 0;
    for (element item : array(value)) {
        Scope scope(*this, index++);
        QByteArray sequence;
        if (auto error = readString(item, sequence)) {
            return error;
        }
        if (sequence.isEmpty()) {
            return fail("each stop sequence must be non-empty");
        }
        if (sequence.trimmed().isEmpty()) {
            return fail("each stop sequence must contain non-whitespace");
        }
        if (sequence.size() > RequestDecoder::MaxStopSequenceBytes) {
            return fail("String should have at most " + QByteArray::number(RequestDecoder::MaxStopSequenceBytes) +
                        " bytes");
        }
        sequences.push_back(std::move(sequence));
    }
    return {};
}

Failure Decoder::decodeMetadata(element value, QByteArray &userId)
{
    if (auto error = expectType(value, element_type::OBJECT)) {
        return error;
    }
    if (auto error = readOptionalString(object(value), "user_id", userId)) {
        return error;
    }
    if (userId.size() > MaxMetadataUserIdLength) {
        Scope scope(*this, "user_id");
        return fail("String should have at most 256 characters");
    }
    return {};
}

// The API insists that every tool_use is answered in the very next user turn and that every
// tool_result answers a tool_use of the turn before; local chat templates break in odd ways otherwise.
Failure Decoder::checkToolPairing(const MessagesRequest &request)
{
    Scope messagesScope(*this, "messages");
    const auto &messages = request.messages;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto &message = messages[i];
        if (message.role == Role::Assistant) {
            QList<QByteArray> unanswered;
            for (const auto &block : message.content) {
                if (const auto *toolUse = block.getIf<ToolUseBlock>()) {
                    unanswered.append(toolUse->id);
                }
            }
            if (unanswered.isEmpty() || i + 1 == messages.size()) {
                continue;
            }
            for (const auto &block : messages[i + 1].content) {
                if (const auto *result = block.getIf<ToolResultBlock>()) {
                    unanswered.removeAll(result->toolUseId);
                }
            }
            if (!unanswered.isEmpty()) {
                Scope scope(*this, i);
                return fail("`tool_use` ids were found without `tool_result` blocks immediately after: " +
                            unanswered.join(", ") +
                            ". Each `tool_use` block must have a corresponding `tool_result` block in the next "
                            "message.");
            }
            continue;
        }
        QSet<QByteArray> offered;
        if (i > 0 && messages[i - 1].role == Role::Assistant) {
            for (const auto &block : messages[i - 1].content) {
                if (const auto *toolUse = block.getIf<ToolUseBlock>()) {
                    offered.insert(toolUse->id);
                }
            }
        }
        for (std::size_t b = 0; b < message.content.size(); ++b) {
            const auto *result = message.content[b].getIf<ToolResultBlock>();
            if (result && !offered.contains(result->toolUseId)) {
                Scope scope(*this, i);
                Scope contentScope(*this, "content");
                Scope blockScope(*this, b);
                return fail("unexpected `tool_use_id` found in `tool_result` blocks: " + result->toolUseId +
                            ". Each `tool_result` block must have a corresponding `tool_use` block in the previous "
                            "message.");
            }
        }
    }
    return {};
}

Failure Decoder::checkCombinations(const MessagesRequest &request)
{
    const bool forcesTool = request.toolChoice && (request.toolChoice->type == ToolChoice::Type::Any ||
                                                   request.toolChoice->type == ToolChoice::Type::Tool);
    if (forcesTool && request.tools.empty()) {
        return ApiError::invalidRequest("tool_choice: forcing tool use requires `tools` to be provided");
    }
    if (request.toolChoice && request.toolChoice->type == ToolChoice::Type::Tool) {
        const bool known = std::any_of(request.tools.begin(), request.tools.end(), [&](const ToolDefinition &tool) {
            return tool.name == request.toolChoice->name;
        });
        if (!known) {
            return ApiError::invalidRequest("tool_choice.name: no tool named '" + request.toolChoice->name +
                                            "' is defined in `tools`");
        }
    }
    if (!request.thinking || request.thinking->type != ThinkingConfig::Type::Enabled) {
        return {};
    }
    if (m_endpoint == RequestDecoder::Endpoint::Messages && request.thinking->budgetTokens >= request.maxTokens) {
        return ApiError::invalidRequest("thinking.budget_tokens: must be less than max_tokens (" +
                                        QByteArray::number(request.maxTokens) + ")");
    }
    if (forcesTool) {
        return ApiError::invalidRequest("Thinking may not be enabled when tool_choice forces tool use.");
    }
    if (request.temperature && *request.temperature != 1.0) {
        return ApiError::invalidRequest("temperature: may only be set to 1 when thinking is enabled");
    }
    if (request.topK) {
        return ApiError::invalidRequest("top_k: may not be set when thinking is enabled");
    }
    if (request.topP && *request.topP < 0.95) {
        return ApiError::invalidRequest("top_p: must be between 0.95 and 1 when thinking is enabled");
    }
    return {};
}

QByteArray describeParseError(simdjson::error_code code)
{
    switch (code) {
    case simdjson::DEPTH_ERROR:
        return "Request body is nested too deeply (more than " + QByteArray::number(RequestDecoder::MaxDepth) +
               " levels)";
    case simdjson::UTF8_ERROR:
        return QByteArrayLiteral("Request body is not valid UTF-8");
    case simdjson::EMPTY:
        return QByteArrayLiteral("Request body is empty; expected a JSON object");
    default:
        return "Request body is not valid JSON (" + QByteArray(simdjson::error_message(code)) + ")";
    }
}

} // namespace

Result<MessagesRequest> RequestDecoder::decode(QByteArrayView body, Endpoint endpoint)
{
    JsonParser parser;
    element root;
    if (const auto code = parser.parse(body).get(root); code != simdjson::SUCCESS) {
        return ApiError::invalidRequest(describeParseError(code));
    }
    if (root.type() != element_type::OBJECT) {
        return ApiError::invalidRequest("Request body must be a JSON object");
    }
    MessagesRequest request;
    Decoder decoder(endpoint);
    if (auto error = decoder.decode(object(root), request)) {
        return *error;
    }
    return request;
}

} // namespace Switchboard::Core
