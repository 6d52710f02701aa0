// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// An incremental, strict HTTP/1.1 request parser (RFC 9112). It never guesses: a malformed request
// line or header, an ambiguous length (Content-Length with Transfer-Encoding, conflicting lengths)
// or a limit exceeded is an error with the status to answer, after which the connection closes —
// so a broken header can never make a body be read as the next request.
class HttpRequestParser
{
public:
    struct Limits
    {
        qsizetype maxRequestLine = 8 * 1024;
        qsizetype maxHeaderBytes = 64 * 1024;
        int maxHeaderCount = 100;
        qint64 maxBodyBytes = 32 * 1024 * 1024;
    };

    enum class Progress
    {
        NeedMore,
        HeadComplete, // reported once per request, before its body is read
        MessageComplete,
        Error,
    };

    HttpRequestParser();
    explicit HttpRequestParser(Limits limits);

    // Consumes bytes from the front of `input`. Call again after HeadComplete to read the body.
    Progress parse(QByteArrayView input, qsizetype &consumed);

    // The request read so far (head after HeadComplete, all of it after MessageComplete).
    const HttpRequest &request() const { return m_request; }
    HttpRequest takeRequest();
    // Forget the current request and start on the next one.
    void reset();
    // No part of a request has been parsed yet (a partial request line stays in the caller's input).
    bool isBetweenRequests() const { return m_state == State::RequestLine; }

    // -1 when the body is chunked or absent.
    qint64 contentLength() const { return m_contentLength; }
    bool isChunked() const { return m_chunked; }
    bool expectsContinue() const { return m_expectContinue; }
    // Whether the client wants the connection kept after this request (HTTP/1.1 default; 1.0 opt-in).
    bool wantsKeepAlive() const { return m_keepAlive; }

    // Header fields dropped because their names are not tokens.
    int ignoredHeaderCount() const { return m_ignoredHeaders; }

    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorMessage() const { return m_errorMessage; }

private:
    enum class State
    {
        RequestLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
        Error,
    };

    // Finds the next line in input[from..]; returns its length without the terminator, or -1.
    qsizetype findLine(QByteArrayView input, qsizetype from, qsizetype &terminatorLength) const;
    Progress fail(int status, QByteArray message);
    // Moves up to m_remaining body bytes into the request; true once none remain.
    bool takeBody(QByteArrayView input, qsizetype &consumed);
    bool parseRequestLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    bool finishHead();
    bool parseChunkSize(QByteArrayView line);

    Limits m_limits;
    State m_state = State::RequestLine;
    HttpRequest m_request;
    qsizetype m_headerBytes = 0;
    qint64 m_contentLength = -1;
    qint64 m_remaining = 0;
    bool m_chunked = false;
    bool m_expectContinue = false;
    bool m_keepAlive = true;
    int m_ignoredHeaders = 0;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace Switchboard::Core
