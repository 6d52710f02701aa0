// SPDX-License-Identifier: MIT
#pragma once

#include "exchangerecord.h"

namespace Switchboard::Core {

// One agent turn's figures, for the sessions view: how big the context was, how much of the prompt
// the backend took from its cache and how much it evaluated, and how long that took.
struct TurnFigures
{
    int contextTokens = -1;   // input + cache read + cache creation, as Switchboard answered
    int cachedTokens = -1;    // the backend's own count where it says (llama.cpp's timings.cache_n), else usage's
    int evaluatedTokens = -1; // the backend's own count (timings.prompt_n), else usage's uncached input
    double promptMs = -1;     // the backend's prompt processing time (timings.prompt_ms)
    qint64 timeToFirstTokenUs = -1;
    int toolCalls = 0;

    // From a finished exchange: the usage Switchboard answered with, and the backend's own figures
    // from its recorded answer (the final stream chunk or the JSON body).
    static TurnFigures fromRecord(const ExchangeRecord &record);
};

} // namespace Switchboard::Core
