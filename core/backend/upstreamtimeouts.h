// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace Switchboard::Core {

// Deadlines for talking to a backend (see HttpClientRequest for what each one covers).
struct UpstreamTimeouts
{
    std::chrono::milliseconds connect{5'000};
    std::chrono::milliseconds firstByte{600'000};
    std::chrono::milliseconds idle{300'000};
};

} // namespace Switchboard::Core
