// SPDX-License-Identifier: MIT
#pragma once

#include "contentblock.h"

#include <QtCore/QByteArray>

#include <optional>
#include <vector>

namespace Switchboard::Core {

enum class Role
{
    User,
    Assistant,
};

struct Message
{
    Role role = Role::User;
    std::vector<ContentBlock> content;
};

struct ToolDefinition
{
    QByteArray name;
    QByteArray description;
    QByteArray inputSchema; // JSON object, serialised as received
    // Empty or "custom" for client tools; a versioned type ("web_search_20250305", ...) for server tools.
    QByteArray type;
    QByteArray json; // the whole definition, for backends that take Anthropic tools as they are
};

struct ToolChoice
{
    enum class Type
    {
        Auto,
        Any,
        Tool,
        None,
    };
    Type type = Type::Auto;
    QByteArray name;
    bool disableParallelToolUse = false;
};

struct ThinkingConfig
{
    enum class Type
    {
        Disabled,
        Enabled,
        Adaptive,
    };
    Type type = Type::Disabled;
    int budgetTokens = 0;
    QByteArray display;
};

// A `role: "system"` entry of `messages` (Claude Code sends its environment, token reminders and
// task notifications this way), kept where the client put it: text moved to the top would change
// the prompt right after its static part, and a local engine would re-read everything after that.
struct SystemMessage
{
    std::size_t beforeMessage = 0; // index in MessagesRequest::messages of the turn it precedes
    std::vector<TextBlock> content;
};

// A validated `POST /v1/messages` (or count_tokens) body. `messages` holds the user and assistant
// turns; `role: "system"` entries are in `systemMessages`, each with its position among them.
struct MessagesRequest
{
    QByteArray model;
    int maxTokens = 0; // 0 for count_tokens, which has no max_tokens
    std::vector<Message> messages;
    std::vector<TextBlock> system;
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<int> topK;
    std::vector<QByteArray> stopSequences;
    bool stream = false;
    QByteArray metadataUserId;
    std::vector<ToolDefinition> tools;
    std::optional<ToolChoice> toolChoice;
    std::optional<ThinkingConfig> thinking;
    QByteArray outputEffort;                   // output_config.effort
    std::vector<SystemMessage> systemMessages; // in request order
};

} // namespace Switchboard::Core
