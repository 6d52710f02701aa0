// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"
#include "reply/cancellablesink.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>

#include <chrono>
#include <vector>

namespace Switchboard::Core {

// One simulated generation: emits the reply's tokens on a timer.
class SimulatorCall final
    : public QObject
    , public BackendCall
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorCall)

public:
    SimulatorCall(QByteArray reply, int inputTokens, int maxTokens, GenerationSink &sink);
    ~SimulatorCall() override;

    void start(double tokensPerSecond, std::chrono::milliseconds firstTokenLatency);
    void cancel() override;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    // Emits up to `count` tokens; finishes the reply when none remain or max_tokens is reached.
    void emitTokens(std::size_t count);

    QByteArray m_reply;
    std::vector<QByteArrayView> m_tokens;
    std::size_t m_next = 0;
    int m_maxTokens;
    CancellableSink m_sink;
    QBasicTimer m_timer;
    int m_intervalMs = 0;
};

} // namespace Switchboard::Core
