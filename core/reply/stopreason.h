// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// Why a reply ended, in the API's terms. Backends report their finish in the same terms.
enum class StopReason
{
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    PauseTurn,
    Refusal,
    ModelContextWindowExceeded,
};

QByteArray stopReasonName(StopReason reason);

} // namespace Switchboard::Core
