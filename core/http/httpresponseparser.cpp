// SPDX-License-Identifier: MIT
#include "httpresponseparser.h"

namespace Switchboard::Core {

namespace {
constexpr qsizetype MaxHeadBytes = 64 * 1024;
constexpr int MaxHeaderCount = 256;
} // namespace

void HttpResponseParser::reset()
{
    m_state = State::StatusLine;
    m_head = HttpResponseHead{};
    m_headRequest = false;
    m_keepAlive = true;
    m_remaining = 0;
    m_headBytes = 0;
    m_bytesSeen = 0;
    m_error.clear();
}

HttpResponseParser::Event HttpResponseParser::fail(QByteArray message)
{
    m_state = State::Failed;
    m_error = std::move(message);
    m_keepAlive = false;
    return Event::Error;
}

bool HttpResponseParser::takeLine(QByteArrayView input, qsizetype &consumed, QByteArrayView &line)
{
    const qsizetype newline = input.indexOf('\n', consumed);
    if (newline < 0) {
        return false;
    }
    qsizetype end = newline;
    if (end > consumed && input[end - 1] == '\r') {
        --end;
    }
    line = input.sliced(consumed, end - consumed);
    consumed = newline + 1;
    return true;
}

HttpResponseParser::Event HttpResponseParser::next(QByteArrayView input, qsizetype &consumed, QByteArrayView &data)
{
    const qsizetype start = consumed;
    auto result = [&](Event event) {
        m_bytesSeen += consumed - start;
        return event;
    };
    while (true) {
        switch (m_state) {
        case State::StatusLine:
        case State::Headers: {
            QByteArrayView line;
            const qsizetype before = consumed;
            if (!takeLine(input, consumed, line)) {
                if (m_headBytes + (input.size() - consumed) > MaxHeadBytes) {
                    return result(fail("response head is too large"));
                }
                return result(Event::NeedMore);
            }
            m_headBytes += consumed - before;
            if (m_headBytes > MaxHeadBytes) {
                return result(fail("response head is too large"));
            }
            if (m_state == State::StatusLine) {
                // HTTP/1.x SP 3DIGIT [SP reason]
                if (line.size() < 12 || !line.startsWith("HTTP/1.") || line[8] != ' ') {
                    return result(fail("malformed status line"));
                }
                bool ok = false;
                const int status = line.sliced(9, 3).toInt(&ok);
                if (!ok || status < 100 || status > 999) {
                    return result(fail("malformed status code"));
                }
                m_head = HttpResponseHead{};
                m_head.status = status;
                m_head.reason = line.size() > 13 ? line.sliced(13).toByteArray() : QByteArray();
                m_keepAlive = line[7] == '1';
                m_state = State::Headers;
                continue;
            }
            if (!line.isEmpty()) {
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0 || line.front() == ' ' || line.front() == '\t') {
                    return result(fail("malformed header field"));
                }
                if (m_head.headers.size() >= MaxHeaderCount) {
                    return result(fail("too many header fields"));
                }
                m_head.headers.append(line.first(colon).toByteArray(), line.sliced(colon + 1).trimmed().toByteArray());
                continue;
            }
            if (m_head.status >= 100 && m_head.status < 200) {
                m_state = State::StatusLine; // interim response (100 Continue): the real one follows
                m_headBytes = 0;
                continue;
            }
            if (!beginBody()) {
                return result(Event::Error);
            }
            return result(Event::Head);
        }
        case State::BodyLength: {
            if (m_remaining == 0) {
                m_state = State::Done;
                return result(Event::End);
            }
            const qint64 available = qMin<qint64>(m_remaining, input.size() - consumed);
            if (available == 0) {
                return result(Event::NeedMore);
            }
            data = input.sliced(consumed, available);
            consumed += available;
            m_remaining -= available;
            return result(Event::Data);
        }
        case State::BodyUntilClose: {
            const qsizetype available = input.size() - consumed;
            if (available == 0) {
                return result(Event::NeedMore);
            }
            data = input.sliced(consumed, available);
            consumed += available;
            return result(Event::Data);
        }
        case State::ChunkSize: {
            QByteArrayView line;
            if (!takeLine(input, consumed, line)) {
                if (input.size() - consumed > 1024) {
                    return result(fail("malformed chunk size"));
                }
                return result(Event::NeedMore);
            }
            qsizetype end = line.indexOf(';');
            const auto digits = (end < 0 ? line : line.first(end)).trimmed();
            if (digits.isEmpty() || digits.size() > 15) {
                return result(fail("malformed chunk size"));
            }
            bool ok = false;
            const qint64 size = digits.toLongLong(&ok, 16);
            if (!ok || size < 0) {
                return result(fail("malformed chunk size"));
            }
            if (size == 0) {
                m_state = State::Trailers;
                continue;
            }
            m_remaining = size;
            m_state = State::ChunkData;
            continue;
        }
        case State::ChunkData: {
            const qint64 available = qMin<qint64>(m_remaining, input.size() - consumed);
            if (available == 0) {
                return result(Event::NeedMore);
            }
            data = input.sliced(consumed, available);
            consumed += available;
            m_remaining -= available;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
            }
            return result(Event::Data);
        }
        case State::ChunkDataEnd: {
            QByteArrayView line;
            if (!takeLine(input, consumed, line)) {
                if (input.size() - consumed >= 2) {
                    return result(fail("malformed chunk terminator"));
                }
                return result(Event::NeedMore);
            }
            if (!line.isEmpty()) {
                return result(fail("malformed chunk terminator"));
            }
            m_state = State::ChunkSize;
            continue;
        }
        case State::Trailers: {
            QByteArrayView line;
            if (!takeLine(input, consumed, line)) {
                return result(Event::NeedMore);
            }
            if (line.isEmpty()) {
                m_state = State::Done;
                return result(Event::End);
            }
            continue;
        }
        case State::Done:
            return result(Event::End);
        case State::Failed:
            return result(Event::Error);
        }
    }
}

bool HttpResponseParser::beginBody()
{
    const QByteArray connection = m_head.headers.combinedValue("connection");
    if (HttpHeaders::listContains(connection, "close")) {
        m_keepAlive = false;
    } else if (HttpHeaders::listContains(connection, "keep-alive")) {
        m_keepAlive = true;
    }
    if (m_headRequest || m_head.status == 204 || m_head.status == 304) {
        m_remaining = 0;
        m_state = State::BodyLength;
        return true;
    }
    if (m_head.headers.contains("transfer-encoding")) {
        if (!HttpHeaders::listContains(m_head.headers.combinedValue("transfer-encoding"), "chunked")) {
            m_state = State::BodyUntilClose;
            m_keepAlive = false;
            return true;
        }
        m_state = State::ChunkSize;
        return true;
    }
    const QByteArray length = m_head.headers.value("content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        m_remaining = length.trimmed().toLongLong(&ok);
        if (!ok || m_remaining < 0) {
            fail("invalid Content-Length");
            return false;
        }
        m_state = State::BodyLength;
        return true;
    }
    m_state = State::BodyUntilClose;
    m_keepAlive = false;
    return true;
}

HttpResponseParser::Event HttpResponseParser::finishAtEof()
{
    m_keepAlive = false;
    if (m_state == State::BodyUntilClose || m_state == State::Done) {
        m_state = State::Done;
        return Event::End;
    }
    if (m_state == State::Failed) {
        return Event::Error;
    }
    return fail("the connection closed before the response was complete");
}

} // namespace Switchboard::Core
