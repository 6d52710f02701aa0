// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "backend/modelinfo.h"
#include "http/httpheaders.h"
#include "http/httprequesthandler.h"
#include "serveroptions.h"

#include <QtCore/QObject>
#include <qcoro/qcorotask.h>

#include <optional>
#include <vector>

namespace Switchboard::Core {

class AccessPolicy;
class Backend;
class ModelRouter;
class PrefixTracker;
class TrafficLog;
struct HttpRequest;

// The Anthropic API surface: POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models and
// GET /v1/models/{id}, also under /v1/v1 (SDKs given a base URL that already ends in /v1 append
// another). Every answer carries a request-id; unknown paths get 404 not_found_error and known
// paths with the wrong method 405.
class ApiServer final
    : public QObject
    , public HttpRequestHandler
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    ApiServer(ModelRouter &router, const AccessPolicy &access, ServerOptions options, QObject *parent = nullptr);
    ~ApiServer() override;

    void handleRequest(HttpRequest &&request, HttpResponder &&responder) override;

    // "/v1/v1/messages/" → "/v1/messages"
    static QByteArray canonicalPath(QByteArrayView path);

    // From now on every new request gets 529 overloaded_error (shutting down).
    void refuseNewRequests() { m_refusing = true; }
    // Ends every message still being answered with `error` (an error event once streaming) and
    // cancels its backend call.
    void interruptAll(const ApiError &error);
    // Records every exchange from now on (null: none). The log must outlive this server.
    void setTrafficLog(TrafficLog *log) { m_traffic = log; }
    // Tells `tracker` each Messages turn's client and upstream bodies (null: none). It must outlive
    // this server.
    void setPrefixTracker(PrefixTracker *tracker) { m_prefixTracker = tracker; }

private:
    void handleMessages(HttpRequest &&request, HttpResponder &&responder, const QByteArray &requestId);
    QCoro::Task<> handleCountTokens(HttpRequest request, HttpResponder responder, QByteArray requestId);
    QCoro::Task<> handleListModels(HttpRequest request, HttpResponder responder, QByteArray requestId);
    QCoro::Task<> handleGetModel(QByteArray modelId, bool withKey, HttpResponder responder, QByteArray requestId);
    // Named routes first, then what each backend reports that routes back to it unrenamed.
    // Backends that hold the user's credentials are asked only for callers with Switchboard's key.
    // The backends are asked together, each within ModelList::ListDeadline; one that fails is
    // logged and named in `failures` ("name (reason)"), and the others' models are still listed.
    struct CollectedModels
    {
        std::vector<ModelInfo> models;
        QByteArrayList failures;
    };
    QCoro::Task<CollectedModels> collectModels(bool withCredentialedBackends);
    // The 401 for a route whose backend holds the user's credentials, if the caller lacks the key.
    std::optional<ApiError> credentialCheck(const Backend &backend, const HttpRequest &request) const;
    // What the backend may see of the client's headers: never Switchboard's own key.
    HttpHeaders forwardableHeaders(const HttpRequest &request) const;

    ModelRouter &m_router;
    const AccessPolicy &m_access;
    ServerOptions m_options;
    TrafficLog *m_traffic = nullptr;
    PrefixTracker *m_prefixTracker = nullptr;
    bool m_refusing = false;
    // `created_at` of models that exist because a route names them, not because a backend lists them.
    QByteArray m_configuredAt;
};

} // namespace Switchboard::Core
