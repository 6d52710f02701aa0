// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "backend/modelinfo.h"
#include "gatewayconfig.h"

#include <qcoro/qcorotask.h>

#include <vector>

namespace Switchboard::Core {

// "Test connection": lists the models of one backend as the gateway would reach it (same URL
// handling, same key header), so a success here means routing to it works too.
QCoro::Task<Result<std::vector<ModelInfo>>> checkBackend(BackendConfig backend);

} // namespace Switchboard::Core
