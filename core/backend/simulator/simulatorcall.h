// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"
#include "reply/cancellablesink.h"
#include "simulatedreply.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>

#include <chrono>
#include <vector>

namespace Switchboard::Core {

// One simulated generation: plays a SimulatedReply (thinking, text, a tool call) one token per
// timer tick, as a model server would stream it.
class SimulatorCall final
    : public QObject
    , public BackendCall
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorCall)

public:
    SimulatorCall(SimulatedReply reply, int inputTokens, int maxTokens, GenerationSink &sink);
    ~SimulatorCall() override;

    void start(double tokensPerSecond, std::chrono::milliseconds firstTokenLatency);
    void cancel() override;
    void setPaused(bool paused) override;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Step
    {
        enum class Kind
        {
            Thinking,
            Text,
            ToolStart,
            ToolArguments,
        };
        Kind kind;
        QByteArrayView piece;
    };

    // Plays up to `count` tokens; finishes when none remain or max_tokens is reached.
    void play(std::size_t count);
    void finish(StopReason reason);

    SimulatedReply m_reply;
    std::vector<Step> m_steps;
    std::size_t m_next = 0;
    int m_tokens = 0;
    int m_maxTokens;
    CancellableSink m_sink;
    QBasicTimer m_timer;
    int m_intervalMs = 0;
    bool m_paused = false;
};

} // namespace Switchboard::Core
