// SPDX-License-Identifier: MIT
#include "apiserver.h"

#include "api/ids.h"
#include "api/requestdecoder.h"
#include "apiresponse.h"
#include "backend/backend.h"
#include "http/httpresponder.h"
#include "messagesexchange.h"
#include "modelpage.h"
#include "routing/modelrouter.h"
#include "security/accesspolicy.h"
#include "traffic/exchangetap.h"
#include "traffic/trafficlog.h"

#include <QtCore/QDateTime>
#include <QtCore/QLoggingCategory>
#include <QtCore/QPointer>
#include <QtCore/QSet>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcApi, "switchboard.api", QtWarningMsg)

constexpr QByteArrayView ModelsPrefix = "/v1/models/";
// Names the backends a model list could not ask: "name (reason), …". Names only, never URLs.
constexpr QByteArrayView BackendsFailedHeader = "x-switchboard-backends-failed";

// A backend's name as a header value: configured names are free text, header values are not.
QByteArray headerSafe(const QByteArray &name)
{
    QByteArray safe = name;
    for (char &c : safe) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ',') {
            c = ' ';
        }
    }
    return safe;
}

// Why a backend's model list failed, in a few words for a header.
QByteArray failureReason(const ApiError &error)
{
    switch (error.cause) {
    case ApiError::Cause::Unreachable:
        return "unreachable";
    case ApiError::Cause::ConnectionLost:
        return "connection lost";
    case ApiError::Cause::UpstreamTimeout:
        return "timed out";
    case ApiError::Cause::UpstreamStatus:
        return "HTTP " + QByteArray::number(error.upstreamStatus);
    case ApiError::Cause::Local:
        break;
    }
    return "unreadable model list";
}

ApiError methodNotAllowed(const HttpRequest &request, QByteArrayView allowed)
{
    ApiError error = ApiError::invalidRequest("Method " + request.method + " is not allowed on " + request.path +
                                              "; use " + allowed.toByteArray());
    error.statusOverride = 405;
    return error;
}

ApiError noRoute(const QByteArray &model)
{
    return ApiError::notFound("model: no route matches '" + model +
                              "'; add a route for it (or a default route) to Switchboard's configuration");
}

} // namespace

ApiServer::ApiServer(ModelRouter &router, const AccessPolicy &access, ServerOptions options, QObject *parent)
    : QObject(parent)
    , m_router(router)
    , m_access(access)
    , m_options(options)
    , m_configuredAt(QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8())
{}

ApiServer::~ApiServer() = default;

std::optional<ApiError> ApiServer::credentialCheck(const Backend &backend, const HttpRequest &request) const
{
    const AccessOptions &options = m_access.options();
    if (!backend.holdsCredentials() || !options.requireKeyForCredentialedBackends ||
        m_access.hasValidKey(request.headers)) {
        return {};
    }
    ApiError error;
    error.type = ApiErrorType::Authentication;
    error.retryable = false;
    error.message = "Backend '" + backend.name() +
                    "' uses credentials stored in Switchboard; send Switchboard's own API key as x-api-key or "
                    "Authorization: Bearer";
    return error;
}

HttpHeaders ApiServer::forwardableHeaders(const HttpRequest &request) const
{
    HttpHeaders headers = request.headers;
    // Only the header that carried Switchboard's key is dropped; the other may hold the client's
    // own credential for a pass-through backend.
    if (const QByteArray keyHeader = m_access.validKeyHeader(headers); !keyHeader.isEmpty()) {
        headers.remove(keyHeader);
    }
    return headers;
}

QByteArray ApiServer::canonicalPath(QByteArrayView path)
{
    QByteArray canonical = path.toByteArray();
    while (canonical.size() > 1 && canonical.endsWith('/')) {
        canonical.chop(1);
    }
    if (canonical == "/v1/v1" || canonical.startsWith("/v1/v1/")) {
        canonical.remove(0, 3);
    }
    return canonical;
}

void ApiServer::handleRequest(HttpRequest &&request, HttpResponder &&responder)
{
    const QByteArray requestId = Ids::requestId();
    if (m_traffic) {
        responder.setTap(m_traffic->begin(requestId, request));
    }
    if (m_refusing) {
        ApiError error = ApiError::overloaded("Switchboard is shutting down");
        error.retryAfter = "1";
        ApiResponse::sendError(responder, error, requestId);
        return;
    }
    const QByteArray path = canonicalPath(request.path);

    if (path == "/v1/messages") {
        if (request.method != "POST") {
            ApiResponse::sendError(responder, methodNotAllowed(request, "POST"), requestId);
            return;
        }
        handleMessages(std::move(request), std::move(responder), requestId);
        return;
    }
    if (path == "/v1/messages/count_tokens") {
        if (request.method != "POST") {
            ApiResponse::sendError(responder, methodNotAllowed(request, "POST"), requestId);
            return;
        }
        handleCountTokens(std::move(request), std::move(responder), requestId);
        return;
    }
    if (path == "/v1/models" || path.startsWith(ModelsPrefix)) {
        if (request.method != "GET" && request.method != "HEAD") {
            ApiResponse::sendError(responder, methodNotAllowed(request, "GET"), requestId);
            return;
        }
        if (path == "/v1/models") {
            handleListModels(std::move(request), std::move(responder), requestId);
        } else {
            // Ids may hold slashes (llama.cpp's "models/x.gguf"); SDKs percent-encode them.
            handleGetModel(QByteArray::fromPercentEncoding(path.sliced(ModelsPrefix.size())),
                           m_access.hasValidKey(request.headers), std::move(responder), requestId);
        }
        return;
    }
    ApiResponse::sendError(responder, ApiError::notFound("Not found: " + request.method + ' ' + request.path),
                           requestId);
}

void ApiServer::interruptAll(const ApiError &error)
{
    const auto exchanges = findChildren<MessagesExchange *>(Qt::FindDirectChildrenOnly);
    for (MessagesExchange *exchange : exchanges) {
        exchange->interrupt(error);
    }
}

void ApiServer::handleMessages(HttpRequest &&request, HttpResponder &&responder, const QByteArray &requestId)
{
    auto decoded = RequestDecoder::decode(request.body, RequestDecoder::Endpoint::Messages);
    if (!decoded) {
        ApiResponse::sendError(responder, decoded.error(), requestId);
        return;
    }
    const auto match = m_router.match(decoded->model);
    if (!match) {
        ApiResponse::sendError(responder, noRoute(decoded->model), requestId);
        return;
    }
    if (auto error = credentialCheck(*match->backend, request)) {
        ApiResponse::sendError(responder, *error, requestId);
        return;
    }
    if (ExchangeTap *tap = responder.tap()) {
        tap->setRoute(decoded->model, match->backend->name());
    }
    request.headers = forwardableHeaders(request);
    qCDebug(lcApi) << requestId << decoded->model << "→" << match->backend->name() << match->upstreamModel;
    auto *exchange =
        new MessagesExchange(std::move(request), std::move(responder), requestId, std::move(decoded).value(),
                             *match->backend, match->upstreamModel, m_options, this);
    exchange->setPrefixTracker(m_prefixTracker);
    exchange->start();
}

QCoro::Task<> ApiServer::handleCountTokens(HttpRequest request, HttpResponder responder, QByteArray requestId)
{
    auto decoded = RequestDecoder::decode(request.body, RequestDecoder::Endpoint::CountTokens);
    if (!decoded) {
        ApiResponse::sendError(responder, decoded.error(), requestId);
        co_return;
    }
    const auto match = m_router.match(decoded->model);
    if (!match) {
        ApiResponse::sendError(responder, noRoute(decoded->model), requestId);
        co_return;
    }
    if (auto error = credentialCheck(*match->backend, request)) {
        ApiResponse::sendError(responder, *error, requestId);
        co_return;
    }
    if (ExchangeTap *tap = responder.tap()) {
        tap->setRoute(decoded->model, match->backend->name());
    }
    const BackendRequest backendRequest{
        *decoded, match->upstreamModel, request.body, request.query, forwardableHeaders(request), nullptr, nullptr};
    const auto count = co_await match->backend->countTokens(backendRequest);
    if (!count) {
        ApiResponse::sendError(responder, count.error(), requestId);
        co_return;
    }
    ApiResponse::sendJson(responder, "{\"input_tokens\":" + QByteArray::number(*count) + '}', requestId);
}

QCoro::Task<ApiServer::CollectedModels> ApiServer::collectModels(bool withCredentialedBackends)
{
    QPointer<ApiServer> self(this);
    CollectedModels collected;
    std::vector<ModelInfo> &models = collected.models;
    QSet<QByteArray> seen;
    for (const QByteArray &name : m_router.namedModels()) {
        if (!seen.contains(name)) {
            seen.insert(name);
            models.push_back(ModelInfo{name, name, m_configuredAt});
        }
    }
    std::vector<Backend *> backends;
    for (const auto &backend : m_router.backends()) {
        if (withCredentialedBackends || !backend->holdsCredentials() ||
            !m_access.options().requireKeyForCredentialedBackends) {
            backends.push_back(backend.get());
        }
    }
    // QCoro tasks start when made: all backends are asked at once, so the answer waits for the
    // slowest (bounded by ModelList::ListDeadline), not for the sum.
    std::vector<QCoro::Task<Result<std::vector<ModelInfo>>>> listings;
    listings.reserve(backends.size());
    for (Backend *backend : backends) {
        listings.push_back(backend->listModels());
    }
    for (std::size_t i = 0; i < backends.size(); ++i) {
        Backend *backend = backends[i];
        auto listed = co_await std::move(listings[i]);
        if (!self) {
            co_return {};
        }
        if (!listed) {
            qCWarning(lcApi) << "listing the models of backend" << backend->name()
                             << "failed:" << listed.error().message;
            collected.failures.append(headerSafe(backend->name()) + " (" + failureReason(listed.error()) + ')');
            continue;
        }
        for (auto &model : *listed) {
            // Only what a client could actually use by that name.
            const auto match = m_router.match(model.id);
            if (seen.contains(model.id) || !match || match->backend != backend || match->upstreamModel != model.id) {
                continue;
            }
            seen.insert(model.id);
            models.push_back(std::move(model));
        }
    }
    co_return collected;
}

QCoro::Task<> ApiServer::handleListModels(HttpRequest request, HttpResponder responder, QByteArray requestId)
{
    QPointer<ApiServer> self(this);
    const auto collected = co_await collectModels(m_access.hasValidKey(request.headers));
    if (!self) {
        co_return;
    }
    const auto page = ModelPage::select(collected.models, request);
    if (!page) {
        ApiResponse::sendError(responder, page.error(), requestId);
        co_return;
    }
    HttpHeaders headers = ApiResponse::headers(requestId);
    if (!collected.failures.isEmpty()) {
        // The list is still an answer; this says it may be missing some models, and why.
        headers.append(BackendsFailedHeader.toByteArray(), collected.failures.join(", "));
    }
    responder.respond(200, headers, page->toJson());
}

QCoro::Task<> ApiServer::handleGetModel(QByteArray modelId, bool withKey, HttpResponder responder, QByteArray requestId)
{
    QPointer<ApiServer> self(this);
    const auto models = (co_await collectModels(withKey)).models;
    if (!self) {
        co_return;
    }
    for (const auto &model : models) {
        if (model.id == modelId) {
            ApiResponse::sendJson(responder, modelInfoJson(model), requestId);
            co_return;
        }
    }
    // A wildcard route to a backend that answers any name (the simulator, an Anthropic upstream)
    // serves names nobody lists; a server that lists its models serves only those.
    const auto match = m_router.match(modelId);
    if (match && match->backend->answersUnlistedModels()) {
        ApiResponse::sendJson(responder, modelInfoJson(ModelInfo{modelId, modelId, m_configuredAt}), requestId);
        co_return;
    }
    ApiResponse::sendError(
        responder,
        ApiError::notFound("model: " + modelId +
                           (match ? " is not among the models backend '" + match->backend->name() + "' lists"
                                  : QByteArray(" matches no route"))),
        requestId);
}

} // namespace Switchboard::Core
