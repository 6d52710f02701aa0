// SPDX-License-Identifier: MIT
#include "upstreamerror.h"

#include "json/jsonparser.h"
#include "security/redactor.h"

namespace Switchboard::Core::UpstreamError {

namespace {

constexpr qsizetype MaxQuotedMessage = 500;

// Pulls the human message out of the usual error bodies: OpenAI and llama.cpp
// {"error":{"message":...}}, Anthropic {"type":"error","error":{...}}, Ollama {"error":"..."}.
QByteArray upstreamMessage(QByteArrayView body)
{
    JsonParser parser;
    simdjson::dom::element root;
    QByteArray message;
    if (parser.parse(body).get(root) == simdjson::SUCCESS && root.is_object()) {
        simdjson::dom::element error;
        if (root.at_key("error").get(error) == simdjson::SUCCESS) {
            if (error.is_string()) {
                message = Json::toBytes(std::string_view(error));
            } else if (error.is_object()) {
                message = Json::stringAt(error.get_object(), "message");
            }
        }
        if (message.isEmpty()) {
            message = Json::stringAt(root.get_object(), "message");
        }
        if (message.isEmpty()) {
            message = Json::stringAt(root.get_object(), "detail");
        }
    } else {
        message = body.trimmed().toByteArray();
    }
    // Backends echo keys in their errors ("Incorrect API key provided: sk-…"); this message reaches
    // the client and the logs.
    message = Redactor::text(message);
    if (message.size() > MaxQuotedMessage) {
        message = message.left(MaxQuotedMessage) + "…";
    }
    return message;
}

ApiError make(ApiErrorType type, QByteArray message, bool retryable)
{
    return ApiError::make(type, std::move(message), retryable);
}

} // namespace

namespace {

ApiError classify(ApiError error, ApiError::Cause cause)
{
    error.cause = cause;
    return error;
}

} // namespace

ApiError fromNetwork(const QByteArray &backendName, const HttpClientError &error)
{
    using Cause = ApiError::Cause;
    switch (error.kind) {
    case HttpClientError::Kind::ConnectionRefused:
    case HttpClientError::Kind::HostNotFound:
    case HttpClientError::Kind::ConnectTimeout:
        return classify(describeNetwork(backendName, error), Cause::Unreachable);
    case HttpClientError::Kind::FirstByteTimeout:
    case HttpClientError::Kind::IdleTimeout:
    case HttpClientError::Kind::FirstContentTimeout:
    case HttpClientError::Kind::TotalTimeout:
        return classify(describeNetwork(backendName, error), Cause::UpstreamTimeout);
    default:
        return classify(describeNetwork(backendName, error), Cause::ConnectionLost);
    }
}

ApiError describeNetwork(const QByteArray &backendName, const HttpClientError &error)
{
    const QByteArray who = "Backend '" + backendName + "'";
    switch (error.kind) {
    case HttpClientError::Kind::ConnectionRefused:
        return make(ApiErrorType::Api, who + " is unreachable (connection refused). Is its server running?", true);
    case HttpClientError::Kind::HostNotFound:
        return make(ApiErrorType::Api, who + " is unreachable (host not found)", true);
    case HttpClientError::Kind::ConnectTimeout:
        return make(ApiErrorType::Timeout, who + " did not accept a connection in time", true);
    case HttpClientError::Kind::FirstByteTimeout:
        return make(ApiErrorType::Timeout, who + " did not start answering in time", true);
    case HttpClientError::Kind::IdleTimeout:
        return make(ApiErrorType::Timeout, who + " stopped sending in the middle of its answer", true);
    case HttpClientError::Kind::FirstContentTimeout:
        return make(ApiErrorType::Timeout,
                    who + " sent no content in time, only keep-alives or nothing (timeouts.first_content_ms)", true);
    case HttpClientError::Kind::TotalTimeout:
        return make(ApiErrorType::Timeout, who + " did not finish its answer in time (timeouts.total_ms)", true);
    case HttpClientError::Kind::ConnectionClosed:
        return make(ApiErrorType::Api, who + " closed the connection before its answer was complete", true);
    case HttpClientError::Kind::Protocol:
        return make(ApiErrorType::Api, who + " sent a response that is not valid HTTP", true);
    case HttpClientError::Kind::Tls:
        return make(ApiErrorType::Api, who + " failed the TLS handshake", false);
    case HttpClientError::Kind::Network:
        return make(ApiErrorType::Api, who + " could not be reached (network error)", true);
    }
    return make(ApiErrorType::Api, who + " failed", true);
}

ApiError fromStatus(const QByteArray &backendName, int status, const HttpHeaders &headers, QByteArrayView body)
{
    const QByteArray quoted = upstreamMessage(body);
    const QByteArray who = "Backend '" + backendName + "'";
    const QByteArray detail = quoted.isEmpty() ? QByteArray() : ": " + quoted;
    ApiError error;
    switch (status) {
    case 400:
    case 413:
    case 422:
        // Usually the prompt (too long for the context, a template the model rejects): not transient.
        error = make(ApiErrorType::InvalidRequest, who + " rejected the request" + detail, false);
        break;
    case 401:
    case 403:
        // The backend refused *Switchboard's* credentials: a configuration problem, not the caller's.
        error = make(ApiErrorType::Api,
                     who + " refused Switchboard's credentials (HTTP " + QByteArray::number(status) +
                         "); check the backend's API key" + detail,
                     false);
        break;
    case 404:
        error = make(ApiErrorType::NotFound, who + " does not know this model or endpoint" + detail, false);
        break;
    case 408:
    case 504:
        error = make(ApiErrorType::Timeout, who + " timed out" + detail, true);
        break;
    case 429:
        error = make(ApiErrorType::RateLimit, who + " is rate limiting requests" + detail, true);
        break;
    case 503:
    case 529:
        error = make(ApiErrorType::Overloaded, who + " is overloaded or still loading" + detail, true);
        break;
    default:
        if (status >= 500) {
            error = make(ApiErrorType::Api, who + " failed with HTTP " + QByteArray::number(status) + detail, true);
        } else {
            error = make(ApiErrorType::InvalidRequest, who + " answered HTTP " + QByteArray::number(status) + detail,
                         false);
        }
        break;
    }
    error.retryAfter = headers.value("retry-after");
    error.cause = ApiError::Cause::UpstreamStatus;
    error.upstreamStatus = status;
    return error;
}

ApiError truncated(const QByteArray &backendName)
{
    return make(ApiErrorType::Api, "Backend '" + backendName + "' ended its stream without finishing the reply", true);
}

} // namespace Switchboard::Core::UpstreamError
