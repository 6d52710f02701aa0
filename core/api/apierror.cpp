// SPDX-License-Identifier: MIT
#include "apierror.h"

#include "json/jsonwriter.h"

namespace Switchboard::Core {

int httpStatusFor(ApiErrorType type)
{
    switch (type) {
    case ApiErrorType::InvalidRequest:
        return 400;
    case ApiErrorType::Authentication:
        return 401;
    case ApiErrorType::Billing:
        return 402;
    case ApiErrorType::Permission:
        return 403;
    case ApiErrorType::NotFound:
        return 404;
    case ApiErrorType::Conflict:
        return 409;
    case ApiErrorType::RequestTooLarge:
        return 413;
    case ApiErrorType::RateLimit:
        return 429;
    case ApiErrorType::Api:
        return 500;
    case ApiErrorType::Timeout:
        return 504;
    case ApiErrorType::Overloaded:
        return 529;
    }
    return 500;
}

QByteArray typeNameFor(ApiErrorType type)
{
    switch (type) {
    case ApiErrorType::InvalidRequest:
        return QByteArrayLiteral("invalid_request_error");
    case ApiErrorType::Authentication:
        return QByteArrayLiteral("authentication_error");
    case ApiErrorType::Billing:
        return QByteArrayLiteral("billing_error");
    case ApiErrorType::Permission:
        return QByteArrayLiteral("permission_error");
    case ApiErrorType::NotFound:
        return QByteArrayLiteral("not_found_error");
    case ApiErrorType::Conflict:
        return QByteArrayLiteral("conflict_error");
    case ApiErrorType::RequestTooLarge:
        return QByteArrayLiteral("request_too_large");
    case ApiErrorType::RateLimit:
        return QByteArrayLiteral("rate_limit_error");
    case ApiErrorType::Api:
        return QByteArrayLiteral("api_error");
    case ApiErrorType::Timeout:
        return QByteArrayLiteral("timeout_error");
    case ApiErrorType::Overloaded:
        return QByteArrayLiteral("overloaded_error");
    }
    return QByteArrayLiteral("api_error");
}

int ApiError::httpStatus() const
{
    return statusOverride.value_or(httpStatusFor(type));
}

QByteArray ApiError::typeName() const
{
    return typeNameFor(type);
}

QByteArray ApiError::toJson(const QByteArray &requestId) const
{
    QByteArray out;
    out.reserve(96 + message.size());
    JsonWriter json(out);
    json.beginObject();
    json.field("type", "error");
    json.key("error").beginObject();
    json.field("type", typeName());
    json.field("message", message);
    json.endObject();
    if (requestId.isEmpty()) {
        json.key("request_id").null();
    } else {
        json.field("request_id", requestId);
    }
    json.endObject();
    return out;
}

ApiError ApiError::make(ApiErrorType type, QByteArray message, bool retryable)
{
    ApiError error;
    error.type = type;
    error.message = std::move(message);
    error.retryable = retryable;
    return error;
}

ApiError ApiError::invalidRequest(QByteArray message)
{
    return make(ApiErrorType::InvalidRequest, std::move(message), false);
}

ApiError ApiError::notFound(QByteArray message)
{
    return make(ApiErrorType::NotFound, std::move(message), false);
}

ApiError ApiError::internal(QByteArray message)
{
    return make(ApiErrorType::Api, std::move(message), true);
}

ApiError ApiError::overloaded(QByteArray message)
{
    return make(ApiErrorType::Overloaded, std::move(message), true);
}

ApiError ApiError::timeout(QByteArray message)
{
    return make(ApiErrorType::Timeout, std::move(message), true);
}

} // namespace Switchboard::Core
