// SPDX-License-Identifier: MIT
#include "stopreason.h"

namespace Switchboard::Core {

QByteArray stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::EndTurn:
        return QByteArrayLiteral("end_turn");
    case StopReason::MaxTokens:
        return QByteArrayLiteral("max_tokens");
    case StopReason::StopSequence:
        return QByteArrayLiteral("stop_sequence");
    case StopReason::ToolUse:
        return QByteArrayLiteral("tool_use");
    case StopReason::PauseTurn:
        return QByteArrayLiteral("pause_turn");
    case StopReason::Refusal:
        return QByteArrayLiteral("refusal");
    case StopReason::ModelContextWindowExceeded:
        return QByteArrayLiteral("model_context_window_exceeded");
    }
    return QByteArrayLiteral("end_turn");
}

} // namespace Switchboard::Core
