// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "http/httpheaders.h"

namespace Switchboard::Core {

class GenerationSink;

// Where an upstream's answer is relayed unchanged (Anthropic-native upstreams): status, headers
// and body bytes as they arrive. Nothing is translated; only hop-by-hop headers are dropped.
class RelaySink
{
public:
    virtual ~RelaySink() = default;
    virtual void relayHead(int status, const HttpHeaders &headers) = 0;
    virtual void relayData(QByteArrayView bytes) = 0;
    // The data so far may leave now (called after each upstream read); relayEnd/relayFailed flush too.
    virtual void relayFlush() = 0;
    virtual void relayEnd() = 0;
    virtual void relayFailed(const ApiError &error) = 0;
};

// What a backend answers into: generation events that Switchboard shapes into the Anthropic
// grammar, or an upstream response relayed as it is. A backend uses exactly one of the two.
class ReplyTarget
{
public:
    virtual ~ReplyTarget() = default;
    virtual GenerationSink &generation() = 0;
    virtual RelaySink &relay() = 0;
};

} // namespace Switchboard::Core
