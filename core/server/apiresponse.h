// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "http/httpheaders.h"

namespace Switchboard::Core {

class HttpResponder;

// How API answers leave the server: every response carries `request-id`; errors use the
// Anthropic envelope with their status, `retry-after` when known, and `x-should-retry: false`
// when retrying cannot help.
namespace ApiResponse {

HttpHeaders headers(const QByteArray &requestId, QByteArray contentType = "application/json");
HttpHeaders errorHeaders(const ApiError &error, const QByteArray &requestId);
void sendJson(HttpResponder &responder, const QByteArray &json, const QByteArray &requestId);
void sendError(HttpResponder &responder, const ApiError &error, const QByteArray &requestId);

} // namespace ApiResponse

} // namespace Switchboard::Core
