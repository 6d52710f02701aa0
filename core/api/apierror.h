// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QStringBuilder>

#include <optional>

namespace Switchboard::Core {

// The error types of the Anthropic API (docs "Errors"); each has one HTTP status.
enum class ApiErrorType
{
    InvalidRequest,
    Authentication,
    Billing,
    Permission,
    NotFound,
    Conflict,
    RequestTooLarge,
    RateLimit,
    Api,
    Timeout,
    Overloaded,
};

// An API failure as a value. Where it becomes an HTTP status line or an SSE `error` frame is
// decided by the writer; how it is spelled is decided here, in one place.
struct ApiError
{
    ApiErrorType type = ApiErrorType::Api;
    QByteArray message;
    // Overrides the type's usual status (405 is an invalid_request_error, a relayed 503 an overloaded_error).
    std::optional<int> statusOverride;
    // Seconds, as received from a backend's `retry-after`, passed on unchanged.
    QByteArray retryAfter;
    // Deterministic failures (bad config, context overflow) tell SDKs not to retry (`x-should-retry: false`).
    bool retryable = true;
    // Where an upstream failure came from: decides retries and the circuit breaker.
    enum class Cause
    {
        Local,           // Switchboard decided (validation, routing, limits)
        Unreachable,     // no connection to the backend could be made
        ConnectionLost,  // the connection broke before the answer was complete
        UpstreamStatus,  // the backend answered with an error status
        UpstreamTimeout, // the backend was too slow
    };
    Cause cause = Cause::Local;
    int upstreamStatus = 0; // for Cause::UpstreamStatus

    int httpStatus() const;
    QByteArray typeName() const;

    // {"type":"error","error":{"type":…,"message":…},"request_id":…}
    QByteArray toJson(const QByteArray &requestId) const;

    static ApiError make(ApiErrorType type, QByteArray message, bool retryable);
    static ApiError invalidRequest(QByteArray message);
    static ApiError notFound(QByteArray message);
    static ApiError internal(QByteArray message);
    static ApiError overloaded(QByteArray message);
    static ApiError timeout(QByteArray message);
};

int httpStatusFor(ApiErrorType type);
QByteArray typeNameFor(ApiErrorType type);

} // namespace Switchboard::Core
