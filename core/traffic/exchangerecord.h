// SPDX-License-Identifier: MIT
#pragma once

#include "capturedmessage.h"

#include <QtCore/QDateTime>
#include <QtCore/QString>

namespace Switchboard::Core {

// The figures the inspector's table shows for one request.
struct ExchangeSummary
{
    enum class State
    {
        Open,       // still being answered
        Complete,   // answered in full
        Failed,     // answered with an error, or ended by an upstream failure mid-stream
        ClientGone, // the client left before the answer was complete
    };

    quint64 id = 0; // the log's sequence number, stable while the record is in the ring
    QByteArray requestId;
    QDateTime started;
    QString clientAddress; // "127.0.0.1:54012"
    QByteArray userAgent;
    QByteArray method;
    QByteArray path;
    QByteArray model;   // as the client named it
    QByteArray backend; // the backend that answered, once routed
    int status = 0;
    qint64 timeToFirstByteUs = -1;  // to the first response byte (the head) sent to the client
    qint64 timeToFirstTokenUs = -1; // to the first content delta (streams)
    qint64 durationUs = -1;         // to the end of the response; -1 while open
    int inputTokens = -1;
    int outputTokens = -1;
    // The prompt tokens the answer's usage says were read from, and written to, the backend's cache.
    int cacheReadTokens = -1;
    int cacheCreationTokens = -1;
    State state = State::Open;
    QString upstreamUrl;
    QString upstreamError;
    int upstreamAttempts = 0;
};

// Everything the inspector knows about one request: its figures, the client leg (client ↔
// Switchboard) and the upstream leg (Switchboard ↔ backend).
struct ExchangeRecord : ExchangeSummary
{
    CapturedMessage clientRequest;
    CapturedMessage clientResponse;
    CapturedMessage upstreamRequest;
    CapturedMessage upstreamResponse;
};

} // namespace Switchboard::Core
