// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"

#include <deque>

namespace Switchboard::Core {

class LimitedCall;

// At most `maxConcurrent` requests in flight to a backend; the next `maxQueued` wait their turn and
// anything beyond gets an immediate 529 overloaded_error with retry-after. A slot is freed the
// moment its reply ends or its client goes.
class LimitedBackend final : public Backend
{
public:
    LimitedBackend(std::unique_ptr<Backend> inner, int maxConcurrent, int maxQueued);
    ~LimitedBackend() override;

    QByteArray name() const override { return m_inner->name(); }
    bool holdsCredentials() const override { return m_inner->holdsCredentials(); }
    bool answersUnlistedModels() const override { return m_inner->answersUnlistedModels(); }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

    int active() const { return m_active; }
    int queued() const { return int(m_queue.size()); }

private:
    friend class LimitedCall;
    void begin(LimitedCall *call);
    void release();
    void dequeue(LimitedCall *call);

    std::unique_ptr<Backend> m_inner;
    int m_maxConcurrent;
    int m_maxQueued;
    int m_active = 0;
    std::deque<LimitedCall *> m_queue;
};

} // namespace Switchboard::Core
