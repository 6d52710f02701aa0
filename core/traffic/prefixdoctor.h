// SPDX-License-Identifier: MIT
#pragma once

#include "prefixdiagnosis.h"

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// One turn as the prefix doctor compares it: the client's request body and the body Switchboard
// sent upstream for it.
struct PromptTurn
{
    enum class Dialect
    {
        ChatCompletions, // the OpenAI-compatible backends: `tools`, then `messages` (the system prompt among them)
        Anthropic,       // pass-through: `tools`, `system`, then `messages`
    };
    QByteArray clientBody;
    QByteArray upstreamBody;
    Dialect dialect = Dialect::ChatCompletions;
};

// A local engine keeps the previous prompt in its prefix cache and evaluates only what follows the
// first changed token. The doctor says whether `current`'s upstream prompt extends `previous`'s,
// and if not, where it stops (section, message, byte, a short diff) and why, from the two client
// requests: the client changed its system prompt, tools, a parameter or an earlier message, or
// (when the client's request did extend the previous one) Switchboard's translation broke it.
namespace PrefixDoctor {

// How many bytes of context each side of the difference.
constexpr qsizetype ExcerptBytes = 40;

PrefixDiagnosis diagnose(const PromptTurn &previous, const PromptTurn &current);

} // namespace PrefixDoctor

} // namespace Switchboard::Core
