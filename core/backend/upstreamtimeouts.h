// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace Switchboard::Core {

// Deadlines for talking to a backend (see HttpClientRequest for what each one covers). Generous,
// because a local model on a CPU can take minutes to read a long prompt before its first token.
struct UpstreamTimeouts
{
    std::chrono::milliseconds connect{5'000};
    std::chrono::milliseconds firstByte{600'000};
    std::chrono::milliseconds idle{300'000};
    // To the first event that carries content: a backend sending only SSE comments or pings
    // resets the idle timer forever, so this is what ends it.
    std::chrono::milliseconds firstContent{600'000};
    // A whole call, however steadily its bytes trickle in.
    std::chrono::milliseconds total{3'600'000};
};

} // namespace Switchboard::Core
