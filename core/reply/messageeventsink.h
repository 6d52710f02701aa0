// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "stopreason.h"
#include "usage.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

struct MessageHeader
{
    QByteArray id;
    QByteArray model;
    Usage usage;
};

enum class BlockKind
{
    Text,
    Thinking,
    RedactedThinking,
    ToolUse,
};

struct BlockHeader
{
    BlockKind kind = BlockKind::Text;
    QByteArray toolUseId;
    QByteArray toolName;
    QByteArray redactedData;
};

enum class DeltaKind
{
    Text,
    Thinking,
    Signature,
    InputJson,
};

// The Anthropic streaming grammar as calls: message_start, blocks (start, deltas, stop) one at a
// time with increasing indices, message_delta, message_stop — or error. Implemented by the SSE
// writer (bytes on the wire), the JSON writer (one Message) and observers.
class MessageEventSink
{
public:
    virtual ~MessageEventSink() = default;

    virtual void messageStart(const MessageHeader &header) = 0;
    virtual void contentBlockStart(int index, const BlockHeader &block) = 0;
    virtual void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) = 0;
    virtual void contentBlockStop(int index) = 0;
    virtual void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) = 0;
    virtual void messageStop() = 0;
    virtual void error(const ApiError &error) = 0;
    virtual void flush() = 0;
};

} // namespace Switchboard::Core
