// SPDX-License-Identifier: MIT
#pragma once

#include <optional>

namespace Switchboard::Core {

// Token accounting in the API's meaning: input_tokens + cache_creation_input_tokens +
// cache_read_input_tokens is the whole prompt. A local engine's prefix (KV) cache is reported as
// cache reads: the prompt tokens it did not evaluate again, which is what a client wants to see to
// know whether the engine reused its cache. Nothing is ever written to a cache on a client's
// request (there is no cache_control upstream), so cache_creation_input_tokens stays 0.
struct Usage
{
    int inputTokens = 0; // the prompt tokens not read from a cache
    int outputTokens = 0;
    int cacheCreationInputTokens = 0;
    int cacheReadInputTokens = 0;
};

// What a backend learned about usage, checked (never negative); any figure may still be unknown.
// The prompt's two figures travel together: `cacheReadInputTokens` counts only beside
// `inputTokens`, and a backend that knows its prompt but not its cache reports 0 cached.
struct UsageReport
{
    std::optional<int> inputTokens; // the prompt minus its cached tokens
    std::optional<int> outputTokens;
    std::optional<int> cacheReadInputTokens = std::nullopt;
};

} // namespace Switchboard::Core
