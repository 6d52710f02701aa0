// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "httpclient.h"

#include <qcoro/qcorotask.h>

namespace Switchboard::Core {

struct HttpFetchResponse
{
    HttpResponseHead head;
    QByteArray body;
};

// Sends a request and awaits the whole response (for small control requests: model lists, token
// counts). Bodies beyond `maxBodyBytes` fail rather than grow without bound.
QCoro::Task<Result<HttpFetchResponse, HttpClientError>> httpFetch(HttpClient &client, HttpClientRequest request,
                                                                  qsizetype maxBodyBytes = 8 * 1024 * 1024);

} // namespace Switchboard::Core
