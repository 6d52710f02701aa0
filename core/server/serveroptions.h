// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace Switchboard::Core {

struct ServerOptions
{
    // An SSE stream silent this long gets a `ping`; before the first backend event, it gets
    // message_start and a ping, so proxies and clients with idle timeouts keep the connection.
    std::chrono::milliseconds pingInterval{15'000};
};

} // namespace Switchboard::Core
