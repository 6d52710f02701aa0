// SPDX-License-Identifier: MIT
#pragma once

#include "backend/modelinfo.h"
#include "http/httprequesthandler.h"
#include "serveroptions.h"

#include <QtCore/QObject>
#include <qcoro/qcorotask.h>

#include <vector>

namespace Switchboard::Core {

class ModelRouter;

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
    ApiServer(ModelRouter &router, ServerOptions options, QObject *parent = nullptr);
    ~ApiServer() override;

    void handleRequest(HttpRequest &&request, HttpResponder &&responder) override;

    // "/v1/v1/messages/" → "/v1/messages"
    static QByteArray canonicalPath(QByteArrayView path);

private:
    void handleMessages(HttpRequest &&request, HttpResponder &&responder, const QByteArray &requestId);
    QCoro::Task<> handleCountTokens(HttpRequest request, HttpResponder responder, QByteArray requestId);
    QCoro::Task<> handleListModels(HttpRequest request, HttpResponder responder, QByteArray requestId);
    QCoro::Task<> handleGetModel(QByteArray modelId, HttpResponder responder, QByteArray requestId);
    // Named routes first, then what each backend reports that routes back to it unrenamed.
    QCoro::Task<std::vector<ModelInfo>> collectModels();

    ModelRouter &m_router;
    ServerOptions m_options;
};

} // namespace Switchboard::Core
