// SPDX-License-Identifier: MIT
#pragma once

#include "reply/messageeventsink.h"
#include "serveroptions.h"
#include "sse/sseeventencoder.h"

#include <QtCore/QBasicTimer>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>

#include <functional>

namespace Switchboard::Core {

class HttpResponder;

// Writes the event grammar to a client as Server-Sent Events. Headers wait for the first event, so
// a backend that fails before producing anything still gets a real HTTP error status; after that,
// failures travel as an `event: error` frame and the stream ends without message_stop. Events of
// one upstream read leave in one chunk; a silent stream gets a `ping` every pingInterval.
class SseMessageWriter final
    : public QObject
    , public MessageEventSink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseMessageWriter)

public:
    // `ensureStarted` asks the reply shaper for message_start (needed before the first ping);
    // `finished` is called once the response has ended, by completion or error.
    SseMessageWriter(HttpResponder &responder, QByteArray requestId, const ServerOptions &options,
                     std::function<void()> ensureStarted, std::function<void()> finished);
    ~SseMessageWriter() override;

    void messageStart(const MessageHeader &header) override;
    void contentBlockStart(int index, const BlockHeader &block) override;
    void contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload) override;
    void contentBlockStop(int index) override;
    void messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage) override;
    void messageStop() override;
    void error(const ApiError &error) override;
    void flush() override;

    // Called after each write reaches the responder (flow control watches the backlog).
    void setWriteObserver(std::function<void()> observer) { m_wrote = std::move(observer); }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void end();

    HttpResponder &m_responder;
    QByteArray m_requestId;
    ServerOptions m_options;
    std::function<void()> m_ensureStarted;
    std::function<void()> m_finished;
    std::function<void()> m_wrote;
    QByteArray m_pending;
    SseEventEncoder m_encoder;
    QBasicTimer m_pingTimer;
    QElapsedTimer m_sinceWrite; // invalid until the first write
    bool m_headersSent = false;
    bool m_ended = false;
};

} // namespace Switchboard::Core
