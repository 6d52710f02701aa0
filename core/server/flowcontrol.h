// SPDX-License-Identifier: MIT
#pragma once

#include "serveroptions.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QObject>

#include <functional>

namespace Switchboard::Core {

class HttpResponder;

// Keeps one response's unsent bytes bounded: pauses the producer above the high watermark, resumes
// it below the low one, and gives up on a client that takes nothing for the stall timeout.
class FlowControl final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowControl)

public:
    FlowControl(HttpResponder &responder, const ServerOptions &options, std::function<void(bool)> setPaused,
                std::function<void()> onStall);
    ~FlowControl() override;

    // Call after each write to the responder.
    void afterWrite();
    bool isPaused() const { return m_paused; }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void onDrained();

    HttpResponder &m_responder;
    ServerOptions m_options;
    std::function<void(bool)> m_setPaused;
    std::function<void()> m_onStall;
    QBasicTimer m_stall;
    bool m_paused = false;
};

} // namespace Switchboard::Core
