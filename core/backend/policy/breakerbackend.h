// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"

#include <QtCore/QDeadlineTimer>

#include <chrono>
#include <functional>

namespace Switchboard::Core {

// A circuit breaker: after `failures` connection attempts in a row fail, the backend counts as down
// for `openFor`, and requests get an immediate 529 with retry-after instead of waiting on a dead
// server. Then one request probes; its success closes the breaker.
class BreakerBackend final : public Backend
{
public:
    // Called on the gateway's thread when the backend goes down or comes back (the window shows it).
    using HealthObserver = std::function<void(const QByteArray &backend, bool down)>;

    BreakerBackend(std::unique_ptr<Backend> inner, int failures, std::chrono::milliseconds openFor,
                   HealthObserver observer = {});
    ~BreakerBackend() override;

    QByteArray name() const override { return m_inner->name(); }
    bool holdsCredentials() const override { return m_inner->holdsCredentials(); }
    bool answersUnlistedModels() const override { return m_inner->answersUnlistedModels(); }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

    bool isDown() const;

private:
    void recordOutcome(const ApiError *failure);

    std::unique_ptr<Backend> m_inner;
    int m_threshold;
    std::chrono::milliseconds m_openFor;
    int m_consecutiveFailures = 0;
    QDeadlineTimer m_openUntil{QDeadlineTimer::Forever};
    bool m_open = false;
    bool m_probing = false;
    HealthObserver m_observer;
};

} // namespace Switchboard::Core
