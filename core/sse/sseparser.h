// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <functional>

namespace Switchboard::Core {

struct SseEvent
{
    QByteArray name; // empty when the event had no `event:` line
    QByteArray data; // `data:` lines joined with "\n"
};

// An incremental Server-Sent Events parser (WHATWG "event stream interpretation"): bytes may be
// split anywhere, lines end in CRLF, LF or CR, comments and unknown fields are skipped. One event
// may not exceed `maxEventBytes`; past that the stream is refused instead of buffered without end.
class SseParser
{
public:
    using EventHandler = std::function<void(const SseEvent &)>;

    explicit SseParser(qsizetype maxEventBytes = 1024 * 1024);

    // Calls `handler` for every event completed by `bytes`. Returns false once the limit is broken;
    // after that the parser stays failed.
    bool feed(QByteArrayView bytes, const EventHandler &handler);

    // Whether bytes of an unfinished event are held (a stream that ends here was cut short).
    bool hasPendingData() const;
    bool failed() const { return m_failed; }
    void reset();

private:
    void processLine(QByteArrayView line, const EventHandler &handler);
    qsizetype afterLineEnd(const char *data, qsizetype end, qsizetype size);
    bool withinLimit();

    qsizetype m_maxEventBytes;
    QByteArray m_partialLine; // a line begun in an earlier read
    SseEvent m_event;
    bool m_hasData = false;
    bool m_skipLeadingLf = false;
    bool m_failed = false;
};

} // namespace Switchboard::Core
