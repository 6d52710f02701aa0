// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"
#include "httprequest.h"

namespace Switchboard::Core {

// Looks at each request head before its body is read, so that a request that may not be served
// (a rebinding Host, a foreign Origin, a missing key) costs no more than its head.
class HttpRequestGuard
{
public:
    struct Verdict
    {
        enum class Action
        {
            Continue, // read the body and dispatch, adding `headers` to the response
            Respond,  // answer with status/headers/body now
        };
        Action action = Action::Continue;
        int status = 200;
        HttpHeaders headers;
        QByteArray body;
    };

    virtual ~HttpRequestGuard() = default;
    virtual Verdict inspect(const HttpRequest &head) = 0;
};

} // namespace Switchboard::Core
