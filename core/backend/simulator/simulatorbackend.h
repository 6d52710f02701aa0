// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"

#include <chrono>

namespace Switchboard::Core {

struct SimulatorOptions
{
    QByteArray name = "simulator";
    double tokensPerSecond = 60; // 0: as fast as possible
    std::chrono::milliseconds firstTokenLatency{0};
    QByteArray modelId = "switchboard-simulator";
};

// The offline backend: answers every model name with a deterministic reply, streamed at a steady
// token rate, honouring max_tokens (stop sequences are matched by the shared reply shaper) and
// reporting the same token counts that count_tokens gives. It is the default when nothing else is
// configured, so the app works on first start and SDK code can be tested with no model and no cost.
class SimulatorBackend final : public Backend
{
public:
    explicit SimulatorBackend(SimulatorOptions options = {});

    QByteArray name() const override { return m_options.name; }
    bool holdsCredentials() const override { return false; }
    bool answersUnlistedModels() const override { return true; }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

private:
    SimulatorOptions m_options;
};

} // namespace Switchboard::Core
