// SPDX-License-Identifier: MIT
#include "simulatorbackend.h"

#include "api/tokenestimator.h"
#include "backend/replytarget.h"
#include "simulatorcall.h"

namespace Switchboard::Core {

SimulatorBackend::SimulatorBackend(SimulatorOptions options)
    : m_options(std::move(options))
{}

std::unique_ptr<BackendCall> SimulatorBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    auto call = std::make_unique<SimulatorCall>(SimulatedReply::compose(request.request),
                                                TokenEstimator::countRequest(request.request),
                                                request.request.maxTokens, target.generation());
    call->start(m_options.tokensPerSecond, m_options.firstTokenLatency);
    return call;
}

QCoro::Task<Result<int>> SimulatorBackend::countTokens(const BackendRequest &request)
{
    co_return TokenEstimator::countRequest(request.request);
}

QCoro::Task<Result<std::vector<ModelInfo>>> SimulatorBackend::listModels()
{
    co_return std::vector<ModelInfo>{
        ModelInfo{m_options.modelId, "Switchboard simulator", "2026-01-01T00:00:00Z"},
    };
}

} // namespace Switchboard::Core
