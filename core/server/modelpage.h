// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "backend/modelinfo.h"

#include <vector>

namespace Switchboard::Core {

struct HttpRequest;

// One page of GET /v1/models, cut by `limit`, `after_id` and `before_id` as the API does; the SDKs
// page forwards with after_id=last_id and backwards with before_id=first_id.
struct ModelPage
{
    std::vector<ModelInfo> data;
    bool hasMore = false;

    static Result<ModelPage> select(const std::vector<ModelInfo> &models, const HttpRequest &request);
    QByteArray toJson() const;
};

QByteArray modelInfoJson(const ModelInfo &model);

} // namespace Switchboard::Core
