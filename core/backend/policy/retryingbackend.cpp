// SPDX-License-Identifier: MIT
#include "retryingbackend.h"

#include "replyinterceptor.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QLoggingCategory>
#include <QtCore/QObject>
#include <QtCore/QTimerEvent>

#include <memory>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcRetry, "switchboard.backend.retry", QtInfoMsg)

class RetryingCall final
    : public QObject
    , public BackendCall
{
public:
    RetryingCall(Backend &inner, const BackendRequest &request, ReplyTarget &target, int retries,
                 std::chrono::seconds maxRetryAfter)
        : m_inner(inner)
        , m_request(request)
        , m_target(target)
        , m_retries(retries)
        , m_maxRetryAfter(maxRetryAfter)
    {}

    // Retries start from the timer, never from inside the failed call's callback: the failed call and
    // its interceptor are still on the stack there.
    void attempt()
    {
        ++m_attempts;
        m_call.reset();
        m_interceptor = std::make_unique<ReplyInterceptor>(
            m_target, [this](const ApiError &error) { return scheduleRetry(error); }, nullptr);
        m_call = m_inner.startMessage(m_request, *m_interceptor);
        if (m_paused) {
            m_call->setPaused(true);
        }
    }

    void cancel() override
    {
        m_cancelled = true;
        m_timer.stop();
        if (m_call) {
            m_call->cancel();
        }
    }

    void setPaused(bool paused) override
    {
        m_paused = paused;
        if (m_call) {
            m_call->setPaused(paused);
        }
    }

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() != m_timer.timerId()) {
            QObject::timerEvent(event);
            return;
        }
        m_timer.stop();
        if (!m_cancelled) {
            attempt();
        }
    }

private:
    bool scheduleRetry(const ApiError &error)
    {
        if (m_cancelled || m_attempts > m_retries) {
            return false;
        }
        const auto delay = RetryingBackend::retryDelay(error, m_attempts, m_maxRetryAfter);
        if (!delay) {
            return false;
        }
        qCInfo(lcRetry) << "retrying backend" << m_inner.name() << "in" << delay->count()
                        << "ms after:" << error.message;
        m_timer.start(int(delay->count()), this);
        return true;
    }

    Backend &m_inner;
    BackendRequest m_request;
    ReplyTarget &m_target;
    int m_retries;
    std::chrono::seconds m_maxRetryAfter;
    int m_attempts = 0;
    bool m_cancelled = false;
    bool m_paused = false;
    QBasicTimer m_timer;
    std::unique_ptr<ReplyInterceptor> m_interceptor;
    std::unique_ptr<BackendCall> m_call;
};

} // namespace

RetryingBackend::RetryingBackend(std::unique_ptr<Backend> inner, int retries, std::chrono::seconds maxRetryAfter)
    : m_inner(std::move(inner))
    , m_retries(retries)
    , m_maxRetryAfter(maxRetryAfter)
{}

RetryingBackend::~RetryingBackend() = default;

std::optional<std::chrono::milliseconds> RetryingBackend::retryDelay(const ApiError &error, int attempt,
                                                                     std::chrono::seconds maxRetryAfter)
{
    using namespace std::chrono_literals;
    switch (error.cause) {
    case ApiError::Cause::Unreachable:
    case ApiError::Cause::ConnectionLost:
        return std::chrono::milliseconds(250 * attempt);
    case ApiError::Cause::UpstreamStatus: {
        if (error.upstreamStatus != 429 && error.upstreamStatus != 503 && error.upstreamStatus != 529) {
            return std::nullopt;
        }
        // A spend-limit 429 carries no retry-after and must not be retried.
        bool ok = false;
        const double seconds = error.retryAfter.toDouble(&ok);
        if (!ok || seconds < 0 || seconds > double(maxRetryAfter.count())) {
            return std::nullopt;
        }
        return std::chrono::milliseconds(qint64(seconds * 1000));
    }
    default:
        return std::nullopt;
    }
}

std::unique_ptr<BackendCall> RetryingBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    if (m_retries <= 0) {
        return m_inner->startMessage(request, target);
    }
    auto call = std::make_unique<RetryingCall>(*m_inner, request, target, m_retries, m_maxRetryAfter);
    call->attempt();
    return call;
}

QCoro::Task<Result<int>> RetryingBackend::countTokens(const BackendRequest &request)
{
    co_return co_await m_inner->countTokens(request);
}

QCoro::Task<Result<std::vector<ModelInfo>>> RetryingBackend::listModels()
{
    co_return co_await m_inner->listModels();
}

} // namespace Switchboard::Core
