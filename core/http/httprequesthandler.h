// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"

namespace Switchboard::Core {

class HttpResponder;

// Receives each complete request. The responder must be answered (or dropped, which answers 500);
// the connection reads the next request only after this one's response has ended.
class HttpRequestHandler
{
public:
    virtual ~HttpRequestHandler() = default;
    virtual void handleRequest(HttpRequest &&request, HttpResponder &&responder) = 0;
};

} // namespace Switchboard::Core
