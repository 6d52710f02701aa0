// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <optional>

namespace Switchboard::Core {

// What the playground sends with a conversation besides its messages. An unset optional is left
// out of the request (the backend's default applies), which is different from any value.
struct ChatSettings
{
    QString model;
    QString system;
    std::optional<double> temperature; // 0..1
    std::optional<double> topP;        // 0..1
    std::optional<int> topK;           // >= 0
    int maxTokens = 1024;              // >= 1
    QStringList stopSequences;
    bool stream = true;
    // The `tools` array as JSON text, as the user wrote it; empty: no tools.
    QString toolsJson;
    // The `tool_choice` object as JSON text; empty: not sent (the API's default, auto).
    QString toolChoice;
    // budget_tokens for extended thinking; unset: thinking is not asked for.
    std::optional<int> thinkingBudget;

    bool operator==(const ChatSettings &) const = default;
};

} // namespace Switchboard::Core
