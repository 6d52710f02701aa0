// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

struct HttpResponseHead
{
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
};

// An incremental HTTP/1.1 response parser for the upstream leg. Pull-style: next() returns one event
// at a time and body data as views into the caller's input, so relayed bytes are not copied here.
// Bodies may be Content-Length, chunked or delimited by the connection closing; interim 1xx heads
// are skipped.
class HttpResponseParser
{
public:
    enum class Event
    {
        NeedMore,
        Head,
        Data,
        End,
        Error,
    };

    // A HEAD request's response has no body whatever its headers say.
    void setHeadRequest(bool head) { m_headRequest = head; }
    void reset();

    Event next(QByteArrayView input, qsizetype &consumed, QByteArrayView &data);
    // The peer closed the connection: ends a close-delimited body, or is an error.
    Event finishAtEof();

    const HttpResponseHead &head() const { return m_head; }
    // Whether the connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }
    bool hasStarted() const { return m_state != State::StatusLine || m_bytesSeen > 0; }
    const QByteArray &errorMessage() const { return m_error; }

private:
    enum class State
    {
        StatusLine,
        Headers,
        BodyLength,
        BodyUntilClose,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Done,
        Failed,
    };

    Event fail(QByteArray message);
    bool takeLine(QByteArrayView input, qsizetype &consumed, QByteArrayView &line);
    bool beginBody();

    State m_state = State::StatusLine;
    HttpResponseHead m_head;
    bool m_headRequest = false;
    bool m_keepAlive = true;
    qint64 m_remaining = 0;
    qsizetype m_headBytes = 0;
    qsizetype m_bytesSeen = 0;
    QByteArray m_error;
};

} // namespace Switchboard::Core
