// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpheaders.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

namespace Switchboard::Core {

// One Server-Sent Event as it passed, with its time since the exchange began.
struct CapturedSseEvent
{
    qint64 offsetUs = 0;
    QByteArray name; // "message" when the frame had no event: line (OpenAI-style streams)
    QByteArray data;
};

// One side of one HTTP leg: a request or a response, as it was on the wire (secrets redacted).
struct CapturedMessage
{
    bool present = false;
    QByteArray startLine; // "POST /v1/messages HTTP/1.1" or "HTTP/1.1 200 OK"
    HttpHeaders headers;
    QByteArray body; // at most BodyLimit bytes
    bool truncated = false;
    bool streaming = false; // text/event-stream: `events` holds the timeline
    QList<CapturedSseEvent> events;
    bool eventsTruncated = false;

    static constexpr qsizetype BodyLimit = 4 * 1024 * 1024;
    static constexpr qsizetype EventLimit = 50'000;
};

} // namespace Switchboard::Core
