// SPDX-License-Identifier: MIT
#include "simulatorcall.h"

#include "api/tokenestimator.h"

#include <QtCore/QTimerEvent>

namespace Switchboard::Core {

SimulatorCall::SimulatorCall(SimulatedReply reply, int inputTokens, int maxTokens, GenerationSink &sink)
    : m_reply(std::move(reply))
    , m_maxTokens(maxTokens)
    , m_sink(sink)
{
    for (const auto piece : TokenEstimator::split(m_reply.thinking)) {
        m_steps.push_back({Step::Kind::Thinking, piece});
    }
    for (const auto piece : TokenEstimator::split(m_reply.text)) {
        m_steps.push_back({Step::Kind::Text, piece});
    }
    if (m_reply.toolCall) {
        m_steps.push_back({Step::Kind::ToolStart, m_reply.toolCall->name});
        for (const auto piece : TokenEstimator::split(m_reply.toolCall->input)) {
            m_steps.push_back({Step::Kind::ToolArguments, piece});
        }
    }
    m_sink.usage(UsageReport{inputTokens, std::nullopt});
    m_sink.flush();
}

SimulatorCall::~SimulatorCall() = default;

void SimulatorCall::start(double tokensPerSecond, std::chrono::milliseconds firstTokenLatency)
{
    if (tokensPerSecond <= 0 && firstTokenLatency.count() == 0) {
        play(m_steps.size());
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

void SimulatorCall::setPaused(bool paused)
{
    if (paused == m_paused || m_sink.isCancelled()) {
        return;
    }
    m_paused = paused;
    if (paused) {
        m_timer.stop();
    } else if (m_next < m_steps.size()) {
        m_timer.start(qMax(m_intervalMs, 0), Qt::PreciseTimer, this);
    }
}

void SimulatorCall::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    if (m_intervalMs == 0) {
        m_timer.stop();
        play(m_steps.size());
        return;
    }
    if (m_paused) {
        m_timer.stop();
        return;
    }
    m_timer.start(m_intervalMs, Qt::PreciseTimer, this);
    play(1);
}

void SimulatorCall::play(std::size_t count)
{
    for (std::size_t played = 0; played < count && m_next < m_steps.size() && !m_sink.isCancelled(); ++m_next) {
        const Step &step = m_steps[m_next];
        if (step.kind == Step::Kind::ToolStart) {
            m_sink.toolCallStart(0, {}, step.piece);
            continue; // not a token of its own
        }
        if (m_tokens >= m_maxTokens) {
            finish(StopReason::MaxTokens);
            return;
        }
        ++m_tokens;
        ++played;
        switch (step.kind) {
        case Step::Kind::Thinking:
            m_sink.thinkingDelta(step.piece);
            break;
        case Step::Kind::Text:
            m_sink.textDelta(step.piece);
            break;
        case Step::Kind::ToolArguments:
            m_sink.toolCallArguments(0, step.piece);
            break;
        case Step::Kind::ToolStart:
            break;
        }
    }
    if (m_next >= m_steps.size()) {
        finish(m_reply.toolCall ? StopReason::ToolUse : StopReason::EndTurn);
        return;
    }
    m_sink.flush();
}

void SimulatorCall::finish(StopReason reason)
{
    if (m_sink.isCancelled()) {
        return;
    }
    m_timer.stop();
    m_sink.usage(UsageReport{std::nullopt, m_tokens});
    m_sink.finished(reason);
}

} // namespace Switchboard::Core
