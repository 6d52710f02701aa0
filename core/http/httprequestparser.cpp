// SPDX-License-Identifier: MIT
#include "httprequestparser.h"

namespace Switchboard::Core {

namespace {

// RFC 9110 tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty()) {
        return false;
    }
    for (const char c : text) {
        if (!isTokenChar(c)) {
            return false;
        }
    }
    return true;
}

// Field values may hold visible characters, spaces, tabs and obs-text; never CTLs (NUL, CR, LF...).
bool isValidFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f) {
            return false;
        }
    }
    return true;
}

bool isValidTarget(QByteArrayView target)
{
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) {
            return false;
        }
    }
    return true;
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) {
        ++begin;
    }
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
        --end;
    }
    return text.sliced(begin, end - begin);
}

bool parseDecimal(QByteArrayView digits, qint64 &value)
{
    if (digits.isEmpty() || digits.size() > 18) {
        return false;
    }
    qint64 result = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') {
            return false;
        }
        result = result * 10 + (c - '0');
    }
    value = result;
    return true;
}

} // namespace

HttpRequestParser::HttpRequestParser()
    : HttpRequestParser(Limits{})
{}

HttpRequestParser::HttpRequestParser(Limits limits)
    : m_limits(limits)
{}

void HttpRequestParser::reset()
{
    m_state = State::RequestLine;
    m_request = HttpRequest{};
    m_headerBytes = 0;
    m_contentLength = -1;
    m_remaining = 0;
    m_chunked = false;
    m_expectContinue = false;
    m_keepAlive = true;
    m_ignoredHeaders = 0;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

HttpRequest HttpRequestParser::takeRequest()
{
    return std::move(m_request);
}

HttpRequestParser::Progress HttpRequestParser::fail(int status, QByteArray message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    return Progress::Error;
}

qsizetype HttpRequestParser::findLine(QByteArrayView input, qsizetype from, qsizetype &terminatorLength) const
{
    const qsizetype newline = input.indexOf('\n', from);
    if (newline < 0) {
        return -1;
    }
    // CRLF is the terminator; a bare LF is accepted (RFC 9112 §2.2), a bare CR is rejected later.
    if (newline > from && input[newline - 1] == '\r') {
        terminatorLength = 2;
        return newline - 1 - from;
    }
    terminatorLength = 1;
    return newline - from;
}

HttpRequestParser::Progress HttpRequestParser::parse(QByteArrayView input, qsizetype &consumed)
{
    consumed = 0;
    while (true) {
        switch (m_state) {
        case State::RequestLine: {
            qsizetype terminator = 0;
            const qsizetype length = findLine(input, consumed, terminator);
            if (length < 0) {
                if (input.size() - consumed > m_limits.maxRequestLine) {
                    return fail(414, "Request line is too long");
                }
                return Progress::NeedMore;
            }
            if (length > m_limits.maxRequestLine) {
                return fail(414, "Request line is too long");
            }
            const auto line = input.sliced(consumed, length);
            consumed += length + terminator;
            if (line.isEmpty()) {
                continue; // empty lines before a request line are ignored (RFC 9112 §2.2)
            }
            if (!parseRequestLine(line)) {
                return Progress::Error;
            }
            m_state = State::Headers;
            break;
        }
        case State::Headers: {
            qsizetype terminator = 0;
            const qsizetype length = findLine(input, consumed, terminator);
            if (length < 0) {
                if (m_headerBytes + (input.size() - consumed) > m_limits.maxHeaderBytes) {
                    return fail(431, "Request header fields are too large");
                }
                return Progress::NeedMore;
            }
            m_headerBytes += length + terminator;
            if (m_headerBytes > m_limits.maxHeaderBytes) {
                return fail(431, "Request header fields are too large");
            }
            const auto line = input.sliced(consumed, length);
            consumed += length + terminator;
            if (!line.isEmpty()) {
                if (!parseHeaderLine(line)) {
                    return Progress::Error;
                }
                break;
            }
            if (!finishHead()) {
                return Progress::Error;
            }
            return Progress::HeadComplete;
        }
        case State::Body:
            if (!takeBody(input, consumed)) {
                return Progress::NeedMore;
            }
            m_state = State::Complete;
            return Progress::MessageComplete;
        case State::ChunkSize: {
            qsizetype terminator = 0;
            const qsizetype length = findLine(input, consumed, terminator);
            if (length < 0) {
                if (input.size() - consumed > 1024) {
                    return fail(400, "Malformed chunk size line");
                }
                return Progress::NeedMore;
            }
            const auto line = input.sliced(consumed, length);
            consumed += length + terminator;
            if (!parseChunkSize(line)) {
                return Progress::Error;
            }
            break;
        }
        case State::ChunkData:
            if (!takeBody(input, consumed)) {
                return Progress::NeedMore;
            }
            m_state = State::ChunkDataEnd;
            break;
        case State::ChunkDataEnd: {
            qsizetype terminator = 0;
            const qsizetype length = findLine(input, consumed, terminator);
            if (length < 0) {
                if (input.size() - consumed >= 2) {
                    return fail(400, "Malformed chunk: data is not followed by CRLF");
                }
                return Progress::NeedMore;
            }
            if (length != 0) {
                return fail(400, "Malformed chunk: data is not followed by CRLF");
            }
            consumed += terminator;
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            qsizetype terminator = 0;
            const qsizetype length = findLine(input, consumed, terminator);
            if (length < 0) {
                if (m_headerBytes + (input.size() - consumed) > m_limits.maxHeaderBytes) {
                    return fail(431, "Request trailer fields are too large");
                }
                return Progress::NeedMore;
            }
            m_headerBytes += length + terminator;
            if (m_headerBytes > m_limits.maxHeaderBytes) {
                return fail(431, "Request trailer fields are too large");
            }
            consumed += length + terminator;
            if (length == 0) {
                m_state = State::Complete;
                return Progress::MessageComplete;
            }
            break; // trailer fields are read and discarded
        }
        case State::Complete:
            return Progress::MessageComplete;
        case State::Error:
            return Progress::Error;
        }
    }
}

bool HttpRequestParser::takeBody(QByteArrayView input, qsizetype &consumed)
{
    const qint64 available = qMin<qint64>(m_remaining, input.size() - consumed);
    m_request.body.append(input.data() + consumed, available);
    consumed += available;
    m_remaining -= available;
    return m_remaining == 0;
}

bool HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace == firstSpace) {
        fail(400, "Malformed request line");
        return false;
    }
    const auto method = line.first(firstSpace);
    const auto target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const auto version = line.sliced(lastSpace + 1);
    if (!isToken(method)) {
        fail(400, "Malformed request method");
        return false;
    }
    if (target.isEmpty() || !isValidTarget(target)) {
        fail(400, "Malformed request target");
        return false;
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0' ||
        version[5] > '9' || version[7] < '0' || version[7] > '9') {
        fail(400, "Malformed HTTP version");
        return false;
    }
    if (version[5] != '1') {
        fail(505, "Only HTTP/1.0 and HTTP/1.1 are supported");
        return false;
    }
    m_request.method = method.toByteArray();
    m_request.minorVersion = version[7] - '0';
    m_keepAlive = m_request.minorVersion >= 1;

    QByteArrayView pathAndQuery = target;
    QByteArray emptyPath;
    if (target.startsWith("http://") || target.startsWith("https://")) {
        // absolute-form (RFC 9112 §3.2.2): its authority, not the Host header, names the server, so
        // it is kept for the access check.
        const qsizetype authorityStart = target.indexOf("//") + 2;
        qsizetype authorityEnd = authorityStart;
        while (authorityEnd < target.size() && target[authorityEnd] != '/' && target[authorityEnd] != '?' &&
               target[authorityEnd] != '#') {
            ++authorityEnd;
        }
        m_request.authority = target.sliced(authorityStart, authorityEnd - authorityStart).toByteArray();
        pathAndQuery = target.sliced(authorityEnd);
        if (!pathAndQuery.startsWith('/')) {
            emptyPath = '/' + pathAndQuery.toByteArray(); // "http://host?q": an empty path is "/"
            pathAndQuery = emptyPath;
        }
    } else if (target != "*" && !target.startsWith('/')) {
        fail(400, "Malformed request target");
        return false;
    }
    m_request.target = target.toByteArray();
    const qsizetype question = pathAndQuery.indexOf('?');
    if (question < 0) {
        m_request.path = pathAndQuery.toByteArray();
    } else {
        m_request.path = pathAndQuery.first(question).toByteArray();
        m_request.query = pathAndQuery.sliced(question + 1).toByteArray();
    }
    const qsizetype fragment = m_request.path.indexOf('#');
    if (fragment >= 0) {
        m_request.path.truncate(fragment);
    }
    return true;
}

bool HttpRequestParser::parseHeaderLine(QByteArrayView line)
{
    if (line.front() == ' ' || line.front() == '\t') {
        fail(400, "Obsolete line folding in header fields is not accepted");
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(400, "Malformed header field (no colon)");
        return false;
    }
    const auto name = line.first(colon);
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        // Whitespace before the colon and control characters are how framing headers get smuggled
        // past proxies (RFC 9112 §5.1): refuse the request.
        if (u <= 0x20 || u == 0x7f) {
            fail(400, "Malformed header field name");
            return false;
        }
    }
    if (m_request.headers.size() >= m_limits.maxHeaderCount) {
        fail(431, "Too many request header fields");
        return false;
    }
    if (!isToken(name)) {
        // Other stray characters ("x-]api-key" in the Llama Stack docs' curl example): ignore the
        // field, as nginx does by default, rather than fail a request that is otherwise fine.
        ++m_ignoredHeaders;
        return true;
    }
    const auto value = trimmedOws(line.sliced(colon + 1));
    if (!isValidFieldValue(value)) {
        fail(400, "Invalid character in header field value");
        return false;
    }
    m_request.headers.append(name.toByteArray(), value.toByteArray());
    return true;
}

bool HttpRequestParser::finishHead()
{
    const HttpHeaders &headers = m_request.headers;

    if (m_request.minorVersion >= 1 && headers.count("host") != 1) {
        fail(400, headers.contains("host") ? "More than one Host header field" : "Missing Host header field");
        return false;
    }

    const QByteArray connection = headers.combinedValue("connection");
    if (HttpHeaders::listContains(connection, "close")) {
        m_keepAlive = false;
    } else if (m_request.minorVersion == 0 && HttpHeaders::listContains(connection, "keep-alive")) {
        m_keepAlive = true;
    }

    const QByteArray expect = headers.value("expect");
    if (!expect.isEmpty()) {
        if (expect.compare("100-continue", Qt::CaseInsensitive) != 0) {
            fail(417, "Only the 100-continue expectation is supported");
            return false;
        }
        m_expectContinue = m_request.minorVersion >= 1;
    }

    const bool hasTransferEncoding = headers.contains("transfer-encoding");
    const int lengthFields = headers.count("content-length");
    if (hasTransferEncoding) {
        // Both framings at once is how requests are smuggled past proxies (RFC 9112 §6.1).
        if (lengthFields > 0) {
            fail(400, "Both Transfer-Encoding and Content-Length are present");
            return false;
        }
        if (m_request.minorVersion == 0) {
            fail(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            return false;
        }
        const QByteArray codings = headers.combinedValue("transfer-encoding").trimmed();
        if (codings.compare("chunked", Qt::CaseInsensitive) != 0) {
            fail(501, "Only the chunked transfer coding is supported");
            return false;
        }
        m_chunked = true;
        m_state = State::ChunkSize;
        return true;
    }

    if (lengthFields > 0) {
        qint64 length = -1;
        for (const auto &field : headers.fields()) {
            if (field.first.compare("content-length", Qt::CaseInsensitive) != 0) {
                continue;
            }
            // A list ("5, 5") or repeated fields must all agree (RFC 9110 §8.6).
            for (const QByteArray &part : field.second.split(',')) {
                qint64 value = 0;
                if (!parseDecimal(part.trimmed(), value)) {
                    fail(400, "Invalid Content-Length");
                    return false;
                }
                if (length >= 0 && value != length) {
                    fail(400, "Conflicting Content-Length values");
                    return false;
                }
                length = value;
            }
        }
        if (length > m_limits.maxBodyBytes) {
            fail(413,
                 "Request body is larger than " + QByteArray::number(m_limits.maxBodyBytes / (1024 * 1024)) + " MB");
            return false;
        }
        m_contentLength = length;
        m_remaining = length;
        if (length > 0) {
            m_request.body.reserve(length);
            m_state = State::Body;
            return true;
        }
    }
    m_state = State::Complete;
    return true;
}

bool HttpRequestParser::parseChunkSize(QByteArrayView line)
{
    qsizetype end = line.indexOf(';'); // chunk extensions are ignored
    if (end < 0) {
        end = line.size();
    }
    const auto digits = trimmedOws(line.first(end));
    if (digits.isEmpty() || digits.size() > 15) {
        fail(400, "Malformed chunk size");
        return false;
    }
    qint64 size = 0;
    for (const char c : digits) {
        int digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            fail(400, "Malformed chunk size");
            return false;
        }
        size = size * 16 + digit;
    }
    if (m_request.body.size() + size > m_limits.maxBodyBytes) {
        fail(413, "Request body is larger than " + QByteArray::number(m_limits.maxBodyBytes / (1024 * 1024)) + " MB");
        return false;
    }
    if (size == 0) {
        m_state = State::Trailers;
        return true;
    }
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

} // namespace Switchboard::Core
