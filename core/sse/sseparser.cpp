// SPDX-License-Identifier: MIT
#include "sseparser.h"

#include <cstring>

namespace Switchboard::Core {

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes)
{}

void SseParser::reset()
{
    m_partialLine.clear();
    m_event = SseEvent{};
    m_hasData = false;
    m_skipLeadingLf = false;
    m_failed = false;
}

bool SseParser::hasPendingData() const
{
    return !m_partialLine.isEmpty() || m_hasData || !m_event.name.isEmpty();
}

namespace {

// The first CR or LF at or after `from`, or -1. Most streams use LF only; then memchr does it.
qsizetype findLineEnd(const char *data, qsizetype from, qsizetype size, bool mayHaveCr)
{
    if (!mayHaveCr) {
        const void *newline = std::memchr(data + from, '\n', size_t(size - from));
        return newline ? static_cast<const char *>(newline) - data : -1;
    }
    for (qsizetype i = from; i < size; ++i) {
        if (data[i] == '\n' || data[i] == '\r') {
            return i;
        }
    }
    return -1;
}

} // namespace

qsizetype SseParser::afterLineEnd(const char *data, qsizetype end, qsizetype size)
{
    if (data[end] != '\r') {
        return end + 1;
    }
    if (end + 1 < size) {
        return data[end + 1] == '\n' ? end + 2 : end + 1;
    }
    m_skipLeadingLf = true; // a CR that ends this read may be the first half of a CRLF
    return end + 1;
}

bool SseParser::feed(QByteArrayView bytes, const EventHandler &handler)
{
    if (m_failed) {
        return false;
    }
    const char *data = bytes.data();
    const qsizetype size = bytes.size();
    qsizetype position = 0;
    if (m_skipLeadingLf && size > 0) {
        // The previous read ended in CR; if this one starts with LF, that was one CRLF.
        if (data[0] == '\n') {
            position = 1;
        }
        m_skipLeadingLf = false;
    }
    const bool mayHaveCr = position < size && std::memchr(data + position, '\r', size_t(size - position));
    // Lines are read in place from `bytes`; only a line cut by the end of a read is copied.
    if (!m_partialLine.isEmpty() && position < size) {
        const qsizetype end = findLineEnd(data, position, size, mayHaveCr);
        if (end < 0) {
            m_partialLine.append(data + position, size - position);
            return withinLimit();
        }
        m_partialLine.append(data + position, end - position);
        processLine(m_partialLine, handler);
        m_partialLine.resize(0);
        if (m_failed) {
            return false;
        }
        position = afterLineEnd(data, end, size);
    }
    while (position < size) {
        const qsizetype end = findLineEnd(data, position, size, mayHaveCr);
        if (end < 0) {
            m_partialLine.append(data + position, size - position);
            break;
        }
        processLine(QByteArrayView(data + position, end - position), handler);
        if (m_failed) {
            return false;
        }
        position = afterLineEnd(data, end, size);
    }
    return withinLimit();
}

bool SseParser::withinLimit()
{
    if (m_partialLine.size() + m_event.data.size() > m_maxEventBytes) {
        m_failed = true;
    }
    return !m_failed;
}

void SseParser::processLine(QByteArrayView line, const EventHandler &handler)
{
    if (line.isEmpty()) {
        if (m_hasData) {
            handler(m_event);
        }
        // Emptied, not freed: the next event reuses the allocation.
        m_event.data.resize(0);
        if (!m_event.name.isEmpty()) {
            m_event.name.resize(0);
        }
        m_hasData = false;
        return;
    }
    if (line.front() == ':') {
        return; // comment
    }
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (!value.isEmpty() && value.front() == ' ') {
        value = value.sliced(1);
    }
    if (field == "data") {
        if (m_hasData) {
            m_event.data.append('\n');
        }
        m_event.data.append(value.data(), value.size());
        m_hasData = true;
        if (m_event.data.size() > m_maxEventBytes) {
            m_failed = true;
        }
    } else if (field == "event") {
        m_event.name = value.toByteArray();
    }
}

} // namespace Switchboard::Core
