// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace Switchboard::Core {

// How Switchboard protects a backend and its clients from each other.
struct BackendPolicy
{
    // Requests in flight at once; more wait in a queue of maxQueued, beyond which they get 529.
    int maxConcurrent = 256;
    int maxQueued = 1024;
    // Attempts repeated before anything reached the client, after a failed connection or a
    // 429/503/529 whose retry-after is at most maxRetryAfter.
    int retries = 1;
    std::chrono::seconds maxRetryAfter{10};
    // Consecutive connection failures that open the breaker, and how long it stays open.
    int breakerFailures = 3;
    std::chrono::milliseconds breakerOpen{10'000};
};

} // namespace Switchboard::Core
