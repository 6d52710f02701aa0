// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"

#include <chrono>
#include <optional>

namespace Switchboard::Core {

// Tries a request again when it failed before anything reached the client: a connection that could
// not be made or broke before the answer, or a 429/503/529 with a short retry-after. Never after
// output went out: a replay would duplicate what the client already has.
class RetryingBackend final : public Backend
{
public:
    RetryingBackend(std::unique_ptr<Backend> inner, int retries, std::chrono::seconds maxRetryAfter);
    ~RetryingBackend() override;

    QByteArray name() const override { return m_inner->name(); }
    bool holdsCredentials() const override { return m_inner->holdsCredentials(); }
    bool answersUnlistedModels() const override { return m_inner->answersUnlistedModels(); }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

    // The wait before the next attempt, or nothing when `error` is not worth another one.
    static std::optional<std::chrono::milliseconds> retryDelay(const ApiError &error, int attempt,
                                                               std::chrono::seconds maxRetryAfter);

private:
    std::unique_ptr<Backend> m_inner;
    int m_retries;
    std::chrono::seconds m_maxRetryAfter;
};

} // namespace Switchboard::Core
