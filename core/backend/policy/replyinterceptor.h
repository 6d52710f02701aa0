// SPDX-License-Identifier: MIT
#pragma once

#include "backend/replytarget.h"
#include "reply/generationsink.h"

#include <functional>

namespace Switchboard::Core {

// Stands between a backend and the exchange's ReplyTarget: it sees how the reply ends, and a
// failure that comes before anything was passed on can be held back (a retry follows instead).
class ReplyInterceptor final
    : public ReplyTarget
    , private GenerationSink
    , private RelaySink
{
public:
    // Returns true to hold the failure back; only asked while nothing was passed on yet.
    using FailureFilter = std::function<bool(const ApiError &error)>;
    // Called once when the reply ended: `failure` is null on success.
    using EndHandler = std::function<void(const ApiError *failure)>;

    ReplyInterceptor(ReplyTarget &outer, FailureFilter filter, EndHandler onEnd);

    // Both ask the outer target at once: that is when the exchange sets up its writer (and the
    // keep-alive pings that must run while a backend is still silent).
    GenerationSink &generation() override;
    RelaySink &relay() override;

    // Whether the client could have seen anything of this reply (content, or a relayed status).
    bool hasPassedOutput() const { return m_output; }

private:
    GenerationSink &outerGeneration();
    bool holdBack(const ApiError &error);
    void end(const ApiError *failure);

    void textDelta(QByteArrayView utf8) override;
    void thinkingDelta(QByteArrayView utf8) override;
    void thinkingSignature(QByteArrayView signature) override;
    void toolCallStart(int index, QByteArrayView id, QByteArrayView name) override;
    void toolCallArguments(int index, QByteArrayView jsonFragment) override;
    void usage(const UsageReport &report) override;
    void finished(StopReason reason) override;
    void failed(const ApiError &error) override;
    void flush() override;

    void relayHead(int status, const HttpHeaders &headers) override;
    void relayData(QByteArrayView bytes) override;
    void relayFlush() override;
    void relayEnd() override;
    void relayFailed(const ApiError &error) override;

    ReplyTarget &m_outer;
    GenerationSink *m_generation = nullptr;
    FailureFilter m_filter;
    EndHandler m_onEnd;
    bool m_output = false;
    bool m_ended = false;
};

} // namespace Switchboard::Core
