// SPDX-License-Identifier: MIT
#pragma once

#include <optional>

namespace Switchboard::Core {

// Token accounting as the API reports it. Local prefix caches are not Anthropic prompt caching
// (no cache_control, no price difference), so every prompt token counts as input and the cache
// fields stay 0: clients that sum the three fields get the real context size either way.
struct Usage
{
    int inputTokens = 0;
    int outputTokens = 0;
    int cacheCreationInputTokens = 0;
    int cacheReadInputTokens = 0;
};

// What a backend learned about usage; either side may still be unknown.
struct UsageReport
{
    std::optional<int> inputTokens;
    std::optional<int> outputTokens;
};

} // namespace Switchboard::Core
