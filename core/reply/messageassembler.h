// SPDX-License-Identifier: MIT
#pragma once

#include "messageeventsink.h"

#include <QtCore/QByteArray>

#include <optional>
#include <vector>

namespace Switchboard::Core {

// Folds the event grammar back into one `Message`, exactly as an SDK's stream accumulator would:
// a non-streaming answer is the same events, assembled.
class MessageAssembler final : public MessageEventSink
{
public:
    void messageStart(const MessageHeader &header) override;
    void contentBlockStart(int index, const BlockHeader &block) override;
    void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) override;
    void contentBlockStop(int index) override;
    void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) override;
    void messageStop() override;
    void error(const ApiError &error) override;
    void flush() override {}

    bool isComplete() const { return m_complete; }
    const std::optional<ApiError> &failure() const { return m_error; }

    // The Message object, compact JSON.
    QByteArray toJson() const;

private:
    struct Block
    {
        BlockHeader header;
        QByteArray text; // text, thinking, or the tool input's JSON text
        QByteArray signature;
    };

    MessageHeader m_header;
    std::vector<Block> m_blocks;
    StopReason m_stopReason = StopReason::EndTurn;
    QByteArray m_stopSequence;
    Usage m_usage;
    bool m_complete = false;
    std::optional<ApiError> m_error;
};

} // namespace Switchboard::Core
