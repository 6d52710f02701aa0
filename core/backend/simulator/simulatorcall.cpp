// SPDX-License-Identifier: MIT
#include "simulatorcall.h"

#include "api/tokenestimator.h"

#include <QtCore/QTimerEvent>

namespace Switchboard::Core {

SimulatorCall::SimulatorCall(QByteArray reply, int inputTokens, int maxTokens, GenerationSink &sink)
    : m_reply(std::move(reply))
    , m_tokens(TokenEstimator::split(m_reply))
    , m_maxTokens(maxTokens)
    , m_sink(sink)
{
    m_sink.usage(UsageReport{inputTokens, std::nullopt});
    m_sink.flush();
}

SimulatorCall::~SimulatorCall() = default;

void SimulatorCall::start(double tokensPerSecond, std::chrono::milliseconds firstTokenLatency)
{
    if (tokensPerSecond <= 0 && firstTokenLatency.count() == 0) {
        emitTokens(m_tokens.size());
        return;
    }
    m_intervalMs = tokensPerSecond <= 0 ? 0 : qMax(1, int(1000.0 / tokensPerSecond));
    m_timer.start(int(firstTokenLatency.count()) + m_intervalMs, Qt::PreciseTimer, this);
}

void SimulatorCall::cancel()
{
    m_sink.cancel();
    m_timer.stop();
}

void SimulatorCall::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    if (m_intervalMs == 0) {
        m_timer.stop();
        emitTokens(m_tokens.size());
        return;
    }
    m_timer.start(m_intervalMs, Qt::PreciseTimer, this);
    emitTokens(1);
}

void SimulatorCall::emitTokens(std::size_t count)
{
    for (std::size_t i = 0; i < count && !m_sink.isCancelled(); ++i) {
        if (int(m_next) >= m_maxTokens && m_next < m_tokens.size()) {
            m_timer.stop();
            m_sink.usage(UsageReport{std::nullopt, int(m_next)});
            m_sink.finished(StopReason::MaxTokens);
            return;
        }
        if (m_next >= m_tokens.size()) {
            break;
        }
        m_sink.textDelta(m_tokens[m_next++]);
    }
    if (m_next >= m_tokens.size() && !m_sink.isCancelled()) {
        m_timer.stop();
        m_sink.usage(UsageReport{std::nullopt, int(m_next)});
        m_sink.finished(StopReason::EndTurn);
        return;
    }
    m_sink.flush();
}

} // namespace Switchboard::Core
