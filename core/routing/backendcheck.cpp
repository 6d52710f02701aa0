// SPDX-License-Identifier: MIT
#include "backendcheck.h"

#include "backend/backend.h"
#include "http/httpclient.h"
#include "modelrouter.h"

#include <memory>

namespace Switchboard::Core {

namespace {

struct Check
{
    HttpClient client;
    std::unique_ptr<ModelRouter> router;
};

QCoro::Task<Result<std::vector<ModelInfo>>> run(std::shared_ptr<Check> check)
{
    co_return co_await check->router->backends().front()->listModels();
}

} // namespace

QCoro::Task<Result<std::vector<ModelInfo>>> checkBackend(BackendConfig backend)
{
    // A person is waiting on this: a dead address should not take the default five seconds.
    backend.timeouts.connect = std::min(backend.timeouts.connect, std::chrono::milliseconds(3'000));
    backend.policy.retries = 0;
    auto check = std::make_shared<Check>();
    check->router = ModelRouter::fromConfig(GatewayConfig::singleBackend(std::move(backend)), check->client);
    return run(std::move(check));
}

} // namespace Switchboard::Core
