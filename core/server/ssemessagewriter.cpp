// SPDX-License-Identifier: MIT
#include "ssemessagewriter.h"

#include "apiresponse.h"
#include "http/httpresponder.h"

#include <QtCore/QTimerEvent>

namespace Switchboard::Core {

SseMessageWriter::SseMessageWriter(HttpResponder &responder, QByteArray requestId, const ServerOptions &options,
                                   std::function<void()> ensureStarted, std::function<void()> finished)
    : m_responder(responder)
    , m_requestId(std::move(requestId))
    , m_options(options)
    , m_ensureStarted(std::move(ensureStarted))
    , m_finished(std::move(finished))
    , m_encoder(m_pending, m_requestId)
{
    m_pingTimer.start(int(m_options.pingInterval.count()), this);
}

SseMessageWriter::~SseMessageWriter() = default;

void SseMessageWriter::messageStart(const MessageHeader &header)
{
    if (!m_headersSent) {
        HttpHeaders headers = ApiResponse::headers(m_requestId, "text/event-stream; charset=utf-8");
        headers.append("Cache-Control", "no-cache");
        headers.append("X-Accel-Buffering", "no"); // tells nginx-style proxies not to buffer
        m_responder.beginStream(200, headers);
        m_headersSent = true;
    }
    m_encoder.messageStart(header);
    // As the Anthropic API does: a ping right after message_start.
    m_encoder.ping();
}

void SseMessageWriter::contentBlockStart(int index, const BlockHeader &block)
{
    m_encoder.contentBlockStart(index, block);
}

void SseMessageWriter::contentBlockDelta(int index, DeltaKind kind, QByteArrayView payload)
{
    m_encoder.contentBlockDelta(index, kind, payload);
}

void SseMessageWriter::contentBlockStop(int index)
{
    m_encoder.contentBlockStop(index);
}

void SseMessageWriter::messageDelta(StopReason reason, QByteArrayView stopSequence, const Usage &usage)
{
    m_encoder.messageDelta(reason, stopSequence, usage);
}

void SseMessageWriter::messageStop()
{
    m_encoder.messageStop();
    flush();
    end();
}

void SseMessageWriter::error(const ApiError &error)
{
    if (m_ended) {
        return;
    }
    if (!m_headersSent) {
        m_pending.clear();
        ApiResponse::sendError(m_responder, error, m_requestId);
        m_headersSent = true;
        m_ended = true;
        m_pingTimer.stop();
        m_finished();
        return;
    }
    m_encoder.error(error);
    flush();
    end();
}

void SseMessageWriter::flush()
{
    if (m_pending.isEmpty() || !m_headersSent || m_ended) {
        return;
    }
    const qsizetype size = m_pending.size();
    m_responder.writeStream(QByteArrayView(m_pending.constData(), size));
    // Emptied but kept: the next event reuses the allocation. (Bytes appended while writing, were
    // anything to re-enter, stay queued.)
    if (m_pending.size() == size) {
        m_pending.resize(0);
    } else {
        m_pending.remove(0, size);
    }
    // The ping timer is not restarted on every write (that costs more than the write); it checks
    // this clock when it fires.
    m_sinceWrite.start();
    if (m_wrote) {
        m_wrote();
    }
}

void SseMessageWriter::end()
{
    if (m_ended) {
        return;
    }
    m_ended = true;
    m_pingTimer.stop();
    m_responder.endStream();
    m_finished();
}

void SseMessageWriter::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_pingTimer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    if (m_ended) {
        m_pingTimer.stop();
        return;
    }
    const qint64 quietMs = m_sinceWrite.isValid() ? m_sinceWrite.elapsed() : m_options.pingInterval.count();
    if (quietMs < m_options.pingInterval.count()) {
        m_pingTimer.start(int(m_options.pingInterval.count() - quietMs), this);
        return;
    }
    m_pingTimer.start(int(m_options.pingInterval.count()), this);
    if (!m_headersSent) {
        m_ensureStarted(); // commits to 200 + message_start; later failures become error events
    }
    m_encoder.ping();
    flush();
}

} // namespace Switchboard::Core
