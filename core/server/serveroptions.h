// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

#include <chrono>

namespace Switchboard::Core {

struct ServerOptions
{
    // An SSE stream silent this long gets a `ping`; before the first backend event, it gets
    // message_start and a ping, so proxies and clients with idle timeouts keep the connection.
    std::chrono::milliseconds pingInterval{15'000};
    // Per-stream buffering: above `writeHighWatermark` unsent bytes the backend is paused (TCP then
    // slows it down), below `writeLowWatermark` it resumes; a client that takes nothing for
    // `stallTimeout` while paused is dropped and its upstream request cancelled.
    qint64 writeHighWatermark = 256 * 1024;
    qint64 writeLowWatermark = 64 * 1024;
    std::chrono::milliseconds stallTimeout{60'000};
};

} // namespace Switchboard::Core
