// SPDX-License-Identifier: MIT
#include "relaywriter.h"

#include "apiresponse.h"
#include "http/httpresponder.h"

namespace Switchboard::Core {

RelayWriter::RelayWriter(HttpResponder &responder, QByteArray requestId, std::function<void()> finished)
    : m_responder(responder)
    , m_requestId(std::move(requestId))
    , m_finished(std::move(finished))
{}

void RelayWriter::relayHead(int status, const HttpHeaders &upstreamHeaders)
{
    if (m_started || m_ended) {
        return;
    }
    HttpHeaders headers = upstreamHeaders;
    // The upstream's own request-id is kept (it is what its operator can look up); ours otherwise.
    if (!headers.contains("request-id")) {
        headers.append("request-id", m_requestId);
    }
    headers.remove("date");
    headers.remove("server");
    m_eventStream = headers.value("content-type").startsWith("text/event-stream");
    m_responder.beginStream(status, headers);
    m_started = true;
}

void RelayWriter::relayData(QByteArrayView bytes)
{
    if (m_started && !m_ended) {
        m_pending.append(bytes.data(), bytes.size());
    }
}

void RelayWriter::relayFlush()
{
    if (m_pending.isEmpty() || !m_started || m_ended) {
        return;
    }
    m_responder.writeStream(m_pending);
    m_pending.resize(0);
    if (m_wrote) {
        m_wrote();
    }
}

void RelayWriter::relayEnd()
{
    if (m_ended) {
        return;
    }
    if (!m_started) {
        relayHead(502, HttpHeaders{});
    }
    relayFlush();
    end();
}

void RelayWriter::relayFailed(const ApiError &error)
{
    if (m_ended) {
        return;
    }
    if (!m_started) {
        m_ended = true;
        ApiResponse::sendError(m_responder, error, m_requestId);
        m_finished();
        return;
    }
    relayFlush();
    if (m_eventStream) {
        // Frames are blank-line terminated; a leading blank line closes any frame cut in half.
        const QByteArray frame = "\n\nevent: error\ndata: " + error.toJson(m_requestId) + "\n\n";
        m_responder.writeStream(frame);
        end();
        return;
    }
    m_ended = true;
    m_responder.abortStream();
    m_finished();
}

void RelayWriter::end()
{
    m_ended = true;
    m_responder.endStream();
    m_finished();
}

} // namespace Switchboard::Core
