// SPDX-License-Identifier: MIT
#include "limitedbackend.h"

#include "replyinterceptor.h"

#include <algorithm>

namespace Switchboard::Core {

class LimitedCall final : public BackendCall
{
public:
    LimitedCall(LimitedBackend &backend, const BackendRequest &request, ReplyTarget &target)
        : m_backend(backend)
        , m_request(request)
        , m_interceptor(target, {}, [this](const ApiError *) { release(); })
    {}

    ~LimitedCall() override { cancel(); }

    void begin()
    {
        m_holding = true;
        m_inner = m_backend.m_inner->startMessage(m_request, m_interceptor);
    }

    void cancel() override
    {
        if (m_inner) {
            m_inner->cancel();
        } else {
            m_backend.dequeue(this);
        }
        release();
    }

    void setPaused(bool paused) override
    {
        if (m_inner) {
            m_inner->setPaused(paused);
        }
    }

private:
    void release()
    {
        if (m_holding) {
            m_holding = false;
            m_backend.release();
        }
    }

    LimitedBackend &m_backend;
    BackendRequest m_request;
    ReplyInterceptor m_interceptor;
    std::unique_ptr<BackendCall> m_inner;
    bool m_holding = false;
};

LimitedBackend::LimitedBackend(std::unique_ptr<Backend> inner, int maxConcurrent, int maxQueued)
    : m_inner(std::move(inner))
    , m_maxConcurrent(maxConcurrent)
    , m_maxQueued(maxQueued)
{}

LimitedBackend::~LimitedBackend() = default;

std::unique_ptr<BackendCall> LimitedBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    auto call = std::make_unique<LimitedCall>(*this, request, target);
    if (m_active < m_maxConcurrent) {
        begin(call.get());
    } else if (int(m_queue.size()) < m_maxQueued) {
        m_queue.push_back(call.get());
    } else {
        ApiError error = ApiError::overloaded("Backend '" + name() + "' is at its limit of " +
                                              QByteArray::number(m_maxConcurrent) + " requests in flight and " +
                                              QByteArray::number(m_maxQueued) + " waiting; try again shortly");
        error.retryAfter = "1";
        target.generation().failed(error);
    }
    return call;
}

void LimitedBackend::begin(LimitedCall *call)
{
    ++m_active;
    call->begin();
}

void LimitedBackend::release()
{
    --m_active;
    while (m_active < m_maxConcurrent && !m_queue.empty()) {
        LimitedCall *next = m_queue.front();
        m_queue.pop_front();
        begin(next);
    }
}

void LimitedBackend::dequeue(LimitedCall *call)
{
    m_queue.erase(std::remove(m_queue.begin(), m_queue.end(), call), m_queue.end());
}

QCoro::Task<Result<int>> LimitedBackend::countTokens(const BackendRequest &request)
{
    co_return co_await m_inner->countTokens(request);
}

QCoro::Task<Result<std::vector<ModelInfo>>> LimitedBackend::listModels()
{
    co_return co_await m_inner->listModels();
}

} // namespace Switchboard::Core
