// SPDX-License-Identifier: MIT
#include "sseparser.h"

namespace Switchboard::Core {

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes)
{}

void SseParser::reset()
{
    m_buffer.clear();
    m_event = SseEvent{};
    m_hasData = false;
    m_skipLeadingLf = false;
    m_failed = false;
}

bool SseParser::hasPendingData() const
{
    return !m_buffer.isEmpty() || m_hasData || !m_event.name.isEmpty();
}

bool SseParser::feed(QByteArrayView bytes, const EventHandler &handler)
{
    if (m_failed) {
        return false;
    }
    m_buffer.append(bytes.data(), bytes.size());
    const char *data = m_buffer.constData();
    const qsizetype size = m_buffer.size();
    qsizetype position = 0;
    if (m_skipLeadingLf && size > 0) {
        // The previous read ended in CR; if this one starts with LF, that was one CRLF.
        if (data[0] == '\n') {
            position = 1;
        }
        m_skipLeadingLf = false;
    }
    qsizetype lineStart = position;
    while (position < size) {
        const char c = data[position];
        if (c != '\n' && c != '\r') {
            ++position;
            continue;
        }
        processLine(QByteArrayView(data + lineStart, position - lineStart), handler);
        if (m_failed) {
            return false;
        }
        if (c == '\r') {
            if (position + 1 < size) {
                if (data[position + 1] == '\n') {
                    ++position;
                }
            } else {
                m_skipLeadingLf = true;
            }
        }
        ++position;
        lineStart = position;
    }
    m_buffer.remove(0, lineStart);
    if (m_buffer.size() + m_event.data.size() > m_maxEventBytes) {
        m_failed = true;
        return false;
    }
    return true;
}

void SseParser::processLine(QByteArrayView line, const EventHandler &handler)
{
    if (line.isEmpty()) {
        if (m_hasData) {
            handler(m_event);
        }
        m_event = SseEvent{};
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
