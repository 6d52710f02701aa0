// SPDX-License-Identifier: MIT
#include "accesspolicy.h"

#include "api/apierror.h"
#include "api/ids.h"
#include "constanttime.h"

#include <QtNetwork/QNetworkInterface>

namespace Switchboard::Core {

namespace {

// Content types a browser may POST cross-site without a preflight (the CSRF "simple requests").
bool isSimpleContentType(QByteArrayView contentType)
{
    const QByteArray type = contentType.toByteArray().split(';').first().trimmed().toLower();
    return type == "text/plain" || type == "application/x-www-form-urlencoded" || type == "multipart/form-data";
}

// Splits "name:port", "[v6]:port" or "name" into the name and the port (-1 when absent).
std::pair<QByteArray, int> splitHost(QByteArrayView host)
{
    QByteArray name = host.toByteArray().trimmed().toLower();
    int port = -1;
    if (name.startsWith('[')) {
        const qsizetype close = name.indexOf(']');
        if (close < 0) {
            return {QByteArray(), -1};
        }
        if (close + 1 < name.size() && name[close + 1] == ':') {
            port = name.mid(close + 2).toInt();
        }
        return {name.left(close + 1), port};
    }
    const qsizetype colon = name.lastIndexOf(':');
    if (colon >= 0) {
        bool ok = false;
        port = name.mid(colon + 1).toInt(&ok);
        if (!ok) {
            return {QByteArray(), -1};
        }
        name.truncate(colon);
    }
    return {name, port};
}

} // namespace

AccessPolicy::AccessPolicy(AccessOptions options)
    : m_options(std::move(options))
{
    for (auto &host : m_options.allowedHosts) {
        host = host.trimmed().toLower();
    }
}

void AccessPolicy::setListenAddress(const QHostAddress &address, quint16 port)
{
    m_listenAddress = address;
    m_port = port;
    m_ownAddresses.clear();
    if (!address.isLoopback()) {
        // Listening beyond loopback: clients reach us by this machine's addresses. IP literals
        // cannot be rebound, so allowing them keeps the rebinding defence intact.
        m_ownAddresses = QNetworkInterface::allAddresses();
    }
}

bool AccessPolicy::isAllowedHost(QByteArrayView host) const
{
    const auto [name, port] = splitHost(host);
    if (name.isEmpty() || (port >= 0 && m_port != 0 && port != m_port)) {
        return false;
    }
    if (name == "localhost" || name == "127.0.0.1" || name == "[::1]") {
        return true;
    }
    if (m_options.allowedHosts.contains(name)) {
        return true;
    }
    const QByteArray literal = name.startsWith('[') ? name.mid(1, name.size() - 2) : name;
    const QHostAddress address(QString::fromLatin1(literal));
    return !address.isNull() && (address == m_listenAddress || m_ownAddresses.contains(address));
}

HttpRequestGuard::Verdict AccessPolicy::refuse(int status, QByteArray type, QByteArray message,
                                               const HttpHeaders &extra) const
{
    ApiError error = ApiError::invalidRequest(std::move(message));
    error.type = type == "authentication_error" ? ApiErrorType::Authentication
                 : type == "permission_error"   ? ApiErrorType::Permission
                                                : ApiErrorType::InvalidRequest;
    error.statusOverride = status;
    const QByteArray requestId = Ids::requestId();
    Verdict verdict;
    verdict.action = Verdict::Action::Respond;
    verdict.status = status;
    verdict.headers = extra;
    verdict.headers.append("Content-Type", "application/json");
    verdict.headers.append("request-id", requestId);
    verdict.body = error.toJson(requestId);
    return verdict;
}

HttpRequestGuard::Verdict AccessPolicy::inspect(const HttpRequest &head)
{
    // HTTP/1.0 clients may omit Host; browsers never do, so this opens no rebinding path. An
    // absolute-form target's authority names the server instead of Host (RFC 9112 §3.2.2), so a
    // proxy-style request line cannot smuggle a foreign name past an allowed Host.
    const bool absoluteForm = !head.target.startsWith('/') && head.target != "*";
    const QByteArray host = absoluteForm ? head.authority : head.header("host");
    if ((head.minorVersion >= 1 || absoluteForm || !host.isEmpty()) && !isAllowedHost(host)) {
        return refuse(403, "permission_error",
                      (absoluteForm ? "Request target authority '" : "Host '") + host.left(200) +
                          "' is not allowed. Use localhost or 127.0.0.1, or allow this name "
                          "with --allow-host.");
    }

    const QByteArray origin = head.header("origin");
    HttpHeaders cors;
    if (!origin.isEmpty()) {
        // Browsers only. An origin must be allowlisted exactly; "null" (sandboxed frames, files) never is.
        if (origin == "null" || !m_options.allowedOrigins.contains(origin)) {
            return refuse(403, "permission_error",
                          "Origin '" + origin.left(200) +
                              "' is not allowed to call this server. Allow it with "
                              "--allow-origin.");
        }
        cors.append("Access-Control-Allow-Origin", origin);
        cors.append("Vary", "Origin");
        cors.append("Access-Control-Expose-Headers", "request-id, retry-after, x-should-retry");
        if (head.method == "OPTIONS" && head.headers.contains("access-control-request-method")) {
            Verdict preflight;
            preflight.action = Verdict::Action::Respond;
            preflight.status = 204;
            preflight.headers = cors;
            preflight.headers.append("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            preflight.headers.append("Access-Control-Allow-Headers",
                                     "content-type, x-api-key, authorization, anthropic-version, anthropic-beta, "
                                     "anthropic-dangerous-direct-browser-access, x-stainless-arch, x-stainless-lang, "
                                     "x-stainless-os, x-stainless-package-version, x-stainless-retry-count, "
                                     "x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout, "
                                     "x-stainless-helper-method");
            preflight.headers.append("Access-Control-Max-Age", "600");
            return preflight;
        }
    }

    if (head.method == "POST" && isSimpleContentType(head.header("content-type"))) {
        return refuse(415, "invalid_request_error",
                      "Content-Type must be application/json (form and text/plain bodies are refused: browsers "
                      "send those cross-site without asking).",
                      cors);
    }

    if (m_options.requireKey && !hasValidKey(head.headers)) {
        return refuse(401, "authentication_error",
                      presentedKey(head.headers).isEmpty()
                          ? QByteArray("This server requires an API key: send it as x-api-key or Authorization: "
                                       "Bearer.")
                          : QByteArray("invalid x-api-key"),
                      cors);
    }

    Verdict verdict;
    verdict.headers = cors;
    return verdict;
}

QByteArray AccessPolicy::presentedKey(const HttpHeaders &headers)
{
    const QByteArray key = headers.value("x-api-key");
    if (!key.isEmpty()) {
        return key;
    }
    return bearerToken(headers);
}

QByteArray AccessPolicy::bearerToken(const HttpHeaders &headers)
{
    const QByteArray authorization = headers.value("authorization");
    if (authorization.size() > 7 && authorization.first(7).toLower() == "bearer ") {
        return authorization.mid(7).trimmed();
    }
    return {};
}

QByteArray AccessPolicy::validKeyHeader(const HttpHeaders &headers) const
{
    if (m_options.apiKey.isEmpty()) {
        return {};
    }
    // Either header may carry it; the other may then carry the client's own upstream credential
    // (Claude Code sends ANTHROPIC_API_KEY as x-api-key and ANTHROPIC_AUTH_TOKEN as a bearer).
    const bool inApiKey = constantTimeEquals(headers.value("x-api-key"), m_options.apiKey);
    const bool inBearer = constantTimeEquals(bearerToken(headers), m_options.apiKey);
    if (inApiKey) {
        return "x-api-key";
    }
    if (inBearer) {
        return "authorization";
    }
    return {};
}

bool AccessPolicy::hasValidKey(const HttpHeaders &headers) const
{
    return !validKeyHeader(headers).isEmpty();
}

} // namespace Switchboard::Core
