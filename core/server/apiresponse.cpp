// SPDX-License-Identifier: MIT
#include "apiresponse.h"

#include "http/httpresponder.h"

namespace Switchboard::Core::ApiResponse {

HttpHeaders headers(const QByteArray &requestId, QByteArray contentType)
{
    return HttpHeaders{{"Content-Type", std::move(contentType)}, {"request-id", requestId}};
}

HttpHeaders errorHeaders(const ApiError &error, const QByteArray &requestId)
{
    HttpHeaders result = headers(requestId);
    if (!error.retryAfter.isEmpty()) {
        result.append("retry-after", error.retryAfter);
    }
    if (!error.retryable) {
        result.append("x-should-retry", "false");
    }
    return result;
}

void sendJson(HttpResponder &responder, const QByteArray &json, const QByteArray &requestId)
{
    responder.respond(200, headers(requestId), json);
}

void sendError(HttpResponder &responder, const ApiError &error, const QByteArray &requestId)
{
    responder.respond(error.httpStatus(), errorHeaders(error, requestId), error.toJson(requestId));
}

} // namespace Switchboard::Core::ApiResponse
