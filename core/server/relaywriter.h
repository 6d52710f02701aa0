// SPDX-License-Identifier: MIT
#pragma once

#include "backend/replytarget.h"

#include <functional>

namespace Switchboard::Core {

class HttpResponder;

// Writes an upstream response to the client as it arrives (pass-through routes). A failure before
// the upstream answered is an API error; after, an SSE stream gets an `event: error` and any other
// body is cut off, so the client can tell it is incomplete.
class RelayWriter final : public RelaySink
{
public:
    RelayWriter(HttpResponder &responder, QByteArray requestId, std::function<void()> finished);

    void relayHead(int status, const HttpHeaders &headers) override;
    void relayData(QByteArrayView bytes) override;
    void relayFlush() override;
    void relayEnd() override;
    void relayFailed(const ApiError &error) override;

    // Called after each body write (flow control watches the backlog).
    void setWriteObserver(std::function<void()> observer) { m_wrote = std::move(observer); }

private:
    void end();

    HttpResponder &m_responder;
    QByteArray m_requestId;
    std::function<void()> m_finished;
    std::function<void()> m_wrote;
    QByteArray m_pending; // body bytes of the current upstream read
    bool m_started = false;
    bool m_eventStream = false;
    bool m_ended = false;
};

} // namespace Switchboard::Core
