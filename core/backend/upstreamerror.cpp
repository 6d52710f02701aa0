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

constexpr qsizetype MaxQuotedLocation = 200;

// Where a redirect pointed, without what must not reach clients or logs: credentials in the
// authority, and the query (signed URLs and tokens travel there).
QByteArray redactedLocation(const QByteArray &location, const QUrl &requestUrl)
{
    if (location.trimmed().isEmpty()) {
        return QByteArray("no location");
    }
    const QUrl target = requestUrl.resolved(QUrl(QString::fromUtf8(location.trimmed())));
    QByteArray shown =
        Redactor::text(target.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toUtf8());
    if (shown.size() > MaxQuotedLocation) {
        shown = shown.left(MaxQuotedLocation) + "…";
    }
    return shown;
}

// Switchboard does not follow redirects: a 301 from POST may become a GET, and following one
// would send the backend's key to wherever it points. It is the backend's URL that is wrong, so
// this is a backend failure, not the client's, and retrying will not change it.
ApiError fromRedirect(const QByteArray &who, int status, const HttpHeaders &headers, const QUrl &requestUrl)
{
    const QByteArray location = headers.value("location");
    QByteArray message = who + " redirected the request (HTTP " + QByteArray::number(status) + " to " +
                         redactedLocation(location, requestUrl) +
                         "); Switchboard does not follow redirects, so configure the backend with the URL it "
                         "redirects to";
    const QUrl target = requestUrl.resolved(QUrl(QString::fromUtf8(location.trimmed())));
    if (requestUrl.scheme() == u"http" && target.scheme() == u"https") {
        message += ". The backend's URL should probably start with https://";
    }
    return make(ApiErrorType::Api, std::move(message), false);
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

ApiError fromStatus(const QByteArray &backendName, int status, const HttpHeaders &headers, QByteArrayView body,
                    const QUrl &requestUrl)
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
        if (status >= 300 && status <= 399) {
            error = fromRedirect(who, status, headers, requestUrl);
        } else if (status >= 500) {
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
