// SPDX-License-Identifier: MIT
#include "modellist.h"

#include "http/httpfetch.h"
#include "json/jsonparser.h"
#include "upstreamerror.h"

#include <QtCore/QDateTime>

namespace Switchboard::Core::ModelList {

Result<std::vector<ModelInfo>> parse(QByteArrayView body, const QByteArray &backendName)
{
    JsonParser parser;
    simdjson::dom::array data;
    if (parser.parse(body)["data"].get_array().get(data) != simdjson::SUCCESS) {
        return ApiError::internal("Backend '" + backendName + "' sent a model list Switchboard cannot read");
    }
    std::vector<ModelInfo> models;
    for (simdjson::dom::element item : data) {
        simdjson::dom::object fields;
        if (item.get_object().get(fields) != simdjson::SUCCESS) {
            continue;
        }
        ModelInfo model{Json::stringAt(fields, "id"), Json::stringAt(fields, "display_name"),
                        Json::stringAt(fields, "created_at")};
        if (model.id.isEmpty()) {
            continue;
        }
        if (model.displayName.isEmpty()) {
            model.displayName = model.id;
        }
        if (model.createdAt.isEmpty()) {
            int64_t created = 0;
            if (fields["created"].get_int64().get(created) != simdjson::SUCCESS) {
                created = 0;
            }
            model.createdAt = QDateTime::fromSecsSinceEpoch(created, Qt::UTC).toString(Qt::ISODate).toUtf8();
        }
        models.push_back(std::move(model));
    }
    return models;
}

QCoro::Task<Result<std::vector<ModelInfo>>> fetch(HttpClient &client, HttpClientRequest request, QByteArray backendName)
{
    request.connectTimeout = std::min(request.connectTimeout, ListDeadline);
    request.firstByteTimeout = std::min(request.firstByteTimeout, ListDeadline);
    request.totalTimeout = ListDeadline;
    const QUrl url = request.url;
    auto response = co_await httpFetch(client, std::move(request));
    if (!response) {
        co_return UpstreamError::fromNetwork(backendName, response.error());
    }
    if (response->head.status != 200) {
        co_return UpstreamError::fromStatus(backendName, response->head.status, response->head.headers, response->body,
                                            url);
    }
    co_return parse(response->body, backendName);
}

} // namespace Switchboard::Core::ModelList
