// SPDX-License-Identifier: MIT
#include "breakerbackend.h"

#include "replyinterceptor.h"

#include <QtCore/QLoggingCategory>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcBreaker, "switchboard.backend.breaker", QtInfoMsg)

class BreakerCall final : public BackendCall
{
public:
    BreakerCall(ReplyTarget &target, std::function<void(const ApiError *)> onEnd)
        : m_interceptor(target, {}, std::move(onEnd))
    {}

    void start(Backend &inner, const BackendRequest &request) { m_inner = inner.startMessage(request, m_interceptor); }
    void cancel() override
    {
        if (m_inner) {
            m_inner->cancel();
        }
    }
    void setPaused(bool paused) override
    {
        if (m_inner) {
            m_inner->setPaused(paused);
        }
    }

private:
    ReplyInterceptor m_interceptor;
    std::unique_ptr<BackendCall> m_inner;
};

class RefusedCall final : public BackendCall
{
public:
    void cancel() override {}
    void setPaused(bool) override {}
};

} // namespace

BreakerBackend::BreakerBackend(std::unique_ptr<Backend> inner, int failures, std::chrono::milliseconds openFor,
                               HealthObserver observer)
    : m_inner(std::move(inner))
    , m_threshold(failures)
    , m_openFor(openFor)
    , m_observer(std::move(observer))
{}

BreakerBackend::~BreakerBackend() = default;

bool BreakerBackend::isDown() const
{
    return m_open;
}

std::unique_ptr<BackendCall> BreakerBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    if (m_open && (!m_openUntil.hasExpired() || m_probing)) {
        const qint64 seconds = qMax<qint64>(1, (m_openUntil.remainingTime() + 999) / 1000);
        ApiError error = ApiError::overloaded(
            "Backend '" + name() + "' is down: its last " + QByteArray::number(m_consecutiveFailures) +
            " connection attempts failed. Switchboard tries it again in " + QByteArray::number(seconds) + " s");
        error.retryAfter = QByteArray::number(seconds);
        target.generation().failed(error);
        return std::make_unique<RefusedCall>();
    }
    m_probing = m_open; // the breaker's time is up: this request finds out whether it is back
    auto call = std::make_unique<BreakerCall>(target, [this](const ApiError *failure) { recordOutcome(failure); });
    call->start(*m_inner, request);
    return call;
}

void BreakerBackend::recordOutcome(const ApiError *failure)
{
    m_probing = false;
    if (failure && failure->cause == ApiError::Cause::Unreachable) {
        ++m_consecutiveFailures;
        if (m_consecutiveFailures >= m_threshold) {
            if (!m_open) {
                qCWarning(lcBreaker) << "backend" << name() << "is down after" << m_consecutiveFailures
                                     << "failed connection attempts";
                if (m_observer) {
                    m_observer(name(), true);
                }
            }
            m_open = true;
            m_openUntil = QDeadlineTimer(m_openFor);
        }
        return;
    }
    if (m_open) {
        qCInfo(lcBreaker) << "backend" << name() << "is back";
        if (m_observer) {
            m_observer(name(), false);
        }
    }
    m_consecutiveFailures = 0;
    m_open = false;
}

QCoro::Task<Result<int>> BreakerBackend::countTokens(const BackendRequest &request)
{
    co_return co_await m_inner->countTokens(request);
}

QCoro::Task<Result<std::vector<ModelInfo>>> BreakerBackend::listModels()
{
    co_return co_await m_inner->listModels();
}

} // namespace Switchboard::Core
