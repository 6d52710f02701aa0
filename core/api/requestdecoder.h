// SPDX-License-Identifier: MIT
#pragma once

#include "messagesrequest.h"
#include "result.h"

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// Parses and validates a Messages (or count_tokens) request body with the API's rules and ranges.
// A violation becomes a 400 invalid_request_error whose message starts with the field path
// ("messages.1.content.0.text: Field required"). Unknown fields are ignored, as the API does.
class RequestDecoder
{
public:
    enum class Endpoint
    {
        Messages,
        CountTokens,
    };

    // Deepest JSON nesting accepted; deeper bodies are refused before any field is read.
    static constexpr int MaxDepth = 128;

    static Result<MessagesRequest> decode(QByteArrayView body, Endpoint endpoint);
};

} // namespace Switchboard::Core
