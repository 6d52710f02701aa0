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
    // What one request may hold. Beyond these it gets a 400 naming the limit, before any backend
    // sees it: the body limit alone would let 32 MB of tiny blocks cost far more than 32 MB.
    static constexpr std::size_t MaxMessages = 100'000;      // the API's own limit
    static constexpr std::size_t MaxContentBlocks = 100'000; // across all messages, nested ones included
    static constexpr std::size_t MaxImages = 600;
    static constexpr std::size_t MaxTools = 1'000;
    static constexpr std::size_t MaxStopSequences = 256;
    static constexpr qsizetype MaxStopSequenceBytes = 1'024;
    static constexpr qsizetype MaxModelNameBytes = 256;

    static Result<MessagesRequest> decode(QByteArrayView body, Endpoint endpoint);
};

} // namespace Switchboard::Core
