// SPDX-License-Identifier: MIT
#pragma once

#include "api/messagesrequest.h"

#include <QtCore/QByteArray>

#include <optional>

namespace Switchboard::Core {

// The simulator's answer to a request: deterministic (the same request always gets the same words)
// and about the request, so SDK code, tool loops and clients can be tested with no model:
// - thinking first when the request enables it;
// - a tool call (with an input valid for its schema) when tool_choice forces one, or when the last
//   user message names an offered tool; a quoted "string" in that message fills the first string
//   field;
// - after tool results, a reply that reports what each tool returned;
// - images and documents acknowledged with their type and size;
// - for a last user message that starts with "Say exactly:", the text after it, verbatim.
struct SimulatedReply
{
    struct ToolCall
    {
        QByteArray name;
        QByteArray input; // JSON object
    };

    QByteArray thinking;
    QByteArray text;
    std::optional<ToolCall> toolCall;

    static SimulatedReply compose(const MessagesRequest &request);
};

} // namespace Switchboard::Core
