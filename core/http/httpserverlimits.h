// SPDX-License-Identifier: MIT
#pragma once

#include "httprequestparser.h"

#include <chrono>

namespace Switchboard::Core {

// What one client connection may cost. QHttpServer 6.4 has none of these.
struct HttpServerLimits
{
    HttpRequestParser::Limits request;
    // From the first byte of a request head to its end, however the bytes are paced: a head trickled
    // a byte at a time (slowloris) holds a connection this long at most, and the access check, which
    // needs the whole head, comes no later. Real clients send a head in one write.
    std::chrono::milliseconds headTimeout{10'000};
    // A body must average at least this rate, counted from the end of its head after a grace
    // period: the body may take bodyGrace + size / minBodyBytesPerSecond. A rate rather than a
    // deadline scaled to Content-Length, because chunked bodies declare no length; an average, so a
    // client that sent quickly may pause for the time it earned. 8 KiB/s is far below any real link
    // (a poor mobile uplink manages 50 KB/s), and the grace covers a client that waits for
    // 100 Continue or builds its body after the head.
    std::chrono::milliseconds bodyGrace{10'000};
    qint64 minBodyBytesPerSecond = 8 * 1024;
    // How long a kept-alive connection may sit with no request.
    std::chrono::milliseconds idleTimeout{120'000};
    // Bytes a client may send ahead (pipelining) while its previous response is still being written.
    qsizetype maxPipelinedBytes = 1024 * 1024;
    // How long a closing connection may take to hand its last bytes to a client that is not
    // reading before it is reset (a graceful close otherwise waits forever).
    std::chrono::milliseconds lingerTimeout{10'000};
    // Only when listening beyond loopback: connections one client address may hold, and all clients
    // together; a connection over either is closed at once, before anything is read. Loopback
    // clients are not refused unless exemptLoopbackClients is off (nor are any on a loopback-only
    // server), so local tools that open many connections are not hurt. 64 covers an agent or an evaluation fanning out
    // from one machine; 512 is eight such machines, and bounds the descriptors and buffers remote clients can hold
    // (each connection may buffer a 64 KB head and 1 MB sent ahead).
    int maxConnectionsPerAddress = 64;
    int maxConnections = 512;
    // Off for a server behind a reverse proxy on the same machine, where every client is loopback.
    bool exemptLoopbackClients = true;
};

} // namespace Switchboard::Core
