// SPDX-License-Identifier: MIT
#pragma once

#include "reply/messageassembler.h"

#include <functional>

namespace Switchboard::Core {

class HttpResponder;

// Answers a non-streaming request: the same events, assembled into one Message and sent when
// message_stop arrives; an error at any point is an HTTP error response.
class JsonMessageWriter final : public MessageEventSink
{
public:
    JsonMessageWriter(HttpResponder &responder, QByteArray requestId, std::function<void()> finished);

    void messageStart(const MessageHeader &header) override { m_assembler.messageStart(header); }
    void contentBlockStart(int index, const BlockHeader &block) override
    {
        m_assembler.contentBlockStart(index, block);
    }
    void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) override
    {
        m_assembler.contentBlockDelta(index, kind, payload);
    }
    void contentBlockStop(int index) override { m_assembler.contentBlockStop(index); }
    void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) override
    {
        m_assembler.messageDelta(reason, stopSequence, usage);
    }
    void messageStop() override;
    void error(const ApiError &error) override;
    void flush() override {}

private:
    HttpResponder &m_responder;
    QByteArray m_requestId;
    std::function<void()> m_finished;
    MessageAssembler m_assembler;
    bool m_ended = false;
};

} // namespace Switchboard::Core
