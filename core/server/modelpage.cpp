// SPDX-License-Identifier: MIT
#include "modelpage.h"

#include "http/httprequest.h"
#include "json/jsonwriter.h"

#include <algorithm>

namespace Switchboard::Core {

namespace {

constexpr int DefaultLimit = 20;
constexpr int MaxLimit = 1000;

void writeModel(JsonWriter &json, const ModelInfo &model)
{
    json.beginObject();
    json.field("type", "model");
    json.field("id", model.id);
    json.field("display_name", model.displayName.isEmpty() ? model.id : model.displayName);
    json.field("created_at", model.createdAt.isEmpty() ? QByteArray("1970-01-01T00:00:00Z") : model.createdAt);
    json.endObject();
}

} // namespace

Result<ModelPage> ModelPage::select(const std::vector<ModelInfo> &models, const HttpRequest &request)
{
    int limit = DefaultLimit;
    const QByteArray limitText = request.queryValue("limit");
    if (!limitText.isNull()) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok) {
            return ApiError::invalidRequest("limit: Input should be a valid integer");
        }
        if (limit < 1) {
            return ApiError::invalidRequest("limit: Input should be greater than or equal to 1");
        }
        if (limit > MaxLimit) {
            return ApiError::invalidRequest("limit: Input should be less than or equal to 1000");
        }
    }
    const QByteArray afterId = request.queryValue("after_id");
    const QByteArray beforeId = request.queryValue("before_id");
    auto position = [&](const QByteArray &id) {
        return std::find_if(models.begin(), models.end(), [&](const ModelInfo &model) { return model.id == id; });
    };

    ModelPage page;
    if (!afterId.isEmpty()) {
        auto it = position(afterId);
        if (it == models.end()) {
            return page;
        }
        ++it;
        const auto available = std::distance(it, models.end());
        const auto take = std::min<std::ptrdiff_t>(available, limit);
        page.data.assign(it, it + take);
        page.hasMore = available > take;
        return page;
    }
    if (!beforeId.isEmpty()) {
        auto it = position(beforeId);
        if (it == models.end()) {
            return page;
        }
        const auto available = std::distance(models.begin(), it);
        const auto take = std::min<std::ptrdiff_t>(available, limit);
        page.data.assign(it - take, it);
        page.hasMore = available > take;
        return page;
    }
    const auto take = std::min<std::ptrdiff_t>(std::ptrdiff_t(models.size()), limit);
    page.data.assign(models.begin(), models.begin() + take);
    page.hasMore = std::ptrdiff_t(models.size()) > take;
    return page;
}

QByteArray ModelPage::toJson() const
{
    QByteArray out;
    JsonWriter json(out);
    json.beginObject();
    json.key("data").beginArray();
    for (const auto &model : data) {
        writeModel(json, model);
    }
    json.endArray();
    json.field("has_more", hasMore);
    if (data.empty()) {
        json.key("first_id").null();
        json.key("last_id").null();
    } else {
        json.field("first_id", data.front().id);
        json.field("last_id", data.back().id);
    }
    json.endObject();
    return out;
}

QByteArray modelInfoJson(const ModelInfo &model)
{
    QByteArray out;
    JsonWriter json(out);
    writeModel(json, model);
    return out;
}

} // namespace Switchboard::Core
