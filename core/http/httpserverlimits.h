// SPDX-License-Identifier: MIT
#pragma once

#include "httprequestparser.h"

#include <chrono>

namespace Switchboard::Core {

// What one client connection may cost. QHttpServer 6.4 has none of these.
struct HttpServerLimits
{
    HttpRequestParser::Limits request;
    // From the first byte of a request to the end of its head, and between body bytes.
    std::chrono::milliseconds readTimeout{30'000};
    // How long a kept-alive connection may sit with no request.
    std::chrono::milliseconds idleTimeout{120'000};
    // Bytes a client may send ahead (pipelining) while its previous response is still being written.
    qsizetype maxPipelinedBytes = 1024 * 1024;
    // How long a closing connection may take to hand its last bytes to a client that is not
    // reading before it is reset (a graceful close otherwise waits forever).
    std::chrono::milliseconds lingerTimeout{10'000};
};

} // namespace Switchboard::Core
