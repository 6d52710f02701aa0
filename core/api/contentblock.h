// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

#include <variant>
#include <vector>

namespace Switchboard::Core {

// The content-block union of the Messages API, as typed values. Text is UTF-8 as received;
// opaque JSON (tool input, schemas, blocks we relay but do not interpret) stays serialised.

struct ContentBlock;

struct TextBlock
{
    QByteArray text;
};

// Where an image or document comes from. `Content` (documents only) carries nested blocks.
struct MediaSource
{
    enum class Kind
    {
        Base64,
        Url,
        Text,
        Content,
        File,
    };
    Kind kind = Kind::Base64;
    QByteArray mediaType;
    QByteArray data; // base64 payload, or plain text for Kind::Text
    QByteArray url;
    QByteArray fileId;
    std::vector<ContentBlock> content;
};

struct ImageBlock
{
    MediaSource source;
};

struct DocumentBlock
{
    MediaSource source;
    QByteArray title;
    QByteArray context;
};

struct ToolUseBlock
{
    QByteArray id;
    QByteArray name;
    QByteArray input; // a JSON object, serialised
};

struct ToolResultBlock
{
    QByteArray toolUseId;
    std::vector<ContentBlock> content; // a string content arrives as one text block
    bool isError = false;
};

struct ThinkingBlock
{
    QByteArray thinking;
    QByteArray signature;
};

struct RedactedThinkingBlock
{
    QByteArray data;
};

// A block type the API defines that Switchboard relays but does not translate
// (server_tool_use, search_result, web_search_tool_result, ...), kept as JSON.
struct OtherBlock
{
    QByteArray type;
    QByteArray json;
};

struct ContentBlock
    : std::variant<TextBlock, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock,
                   RedactedThinkingBlock, OtherBlock>
{
    using variant::variant;

    template<typename T>
    bool is() const
    {
        return std::holds_alternative<T>(*this);
    }
    template<typename T>
    const T &as() const
    {
        return std::get<T>(*this);
    }
    template<typename T>
    const T *getIf() const
    {
        return std::get_if<T>(this);
    }
};

// The `type` string of a block, as the API spells it.
QByteArray blockTypeName(const ContentBlock &block);

} // namespace Switchboard::Core
