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

// A validated `POST /v1/messages` (or count_tokens) body. `role: "system"` entries of `messages`
// have been folded into `system`, in order, so every backend sees one system prompt.
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
    QByteArray outputEffort; // output_config.effort
    int foldedSystemMessages = 0;
};

} // namespace Switchboard::Core
