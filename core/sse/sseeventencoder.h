// SPDX-License-Identifier: MIT
#pragma once

#include "reply/messageeventsink.h"

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// Spells the Anthropic event grammar as SSE frames: every frame has an `event:` line (the TS SDK
// drops data-only frames) and `data:` JSON whose `type` equals the event name.
class SseEventEncoder final : public MessageEventSink
{
public:
    SseEventEncoder(QByteArray &out, QByteArray requestId);

    void messageStart(const MessageHeader &header) override;
    void contentBlockStart(int index, const BlockHeader &block) override;
    void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) override;
    void contentBlockStop(int index) override;
    void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) override;
    void messageStop() override;
    void error(const ApiError &error) override;
    void flush() override {}

    void ping();

private:
    void frame(QByteArrayView name, const QByteArray &json);

    QByteArray &m_out;
    QByteArray m_requestId;
};

// The `usage` object of a Message, with the cache fields clients read.
void writeUsage(class JsonWriter &json, const Usage &usage);

} // namespace Switchboard::Core
