// SPDX-License-Identifier: MIT
#include "flowcontrol.h"

#include "http/httpresponder.h"

#include <QtCore/QLoggingCategory>
#include <QtCore/QTimerEvent>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcFlow, "switchboard.flow", QtWarningMsg)
} // namespace

FlowControl::FlowControl(HttpResponder &responder, const ServerOptions &options, std::function<void(bool)> setPaused,
                         std::function<void()> onStall)
    : m_responder(responder)
    , m_options(options)
    , m_setPaused(std::move(setPaused))
    , m_onStall(std::move(onStall))
{
    m_responder.setDrainHandler([this] { onDrained(); });
}

FlowControl::~FlowControl()
{
    m_responder.setDrainHandler(nullptr);
}

void FlowControl::afterWrite()
{
    if (m_paused || m_responder.bytesPending() <= m_options.writeHighWatermark) {
        return;
    }
    qCInfo(lcFlow) << "client reads slowly;" << m_responder.bytesPending() << "bytes pending: pausing the backend";
    m_paused = true;
    m_setPaused(true);
    m_stall.start(int(m_options.stallTimeout.count()), this);
}

void FlowControl::onDrained()
{
    if (!m_paused) {
        return;
    }
    // Progress: the stall clock starts again.
    m_stall.start(int(m_options.stallTimeout.count()), this);
    if (m_responder.bytesPending() < m_options.writeLowWatermark) {
        m_stall.stop();
        m_paused = false;
        m_setPaused(false);
    }
}

void FlowControl::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_stall.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_stall.stop();
    qCInfo(lcFlow) << "client took nothing for" << m_options.stallTimeout.count() << "ms: dropping it";
    m_onStall();
}

} // namespace Switchboard::Core
