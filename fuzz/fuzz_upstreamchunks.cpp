// SPDX-License-Identifier: MIT
// An upstream server's response, in arbitrary reads: HTTP/1.1 framing (lengths, chunks, trailers,
// interim heads, close-delimited bodies) and the SSE events inside the body.
#include "fuzzinput.h"
#include "http/httpresponseparser.h"
#include "sse/sseparser.h"

using namespace Switchboard::Core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpResponseParser parser;
    SseParser events(64 * 1024);
    qsizetype bodyBytes = 0;
    QByteArray buffer;
    bool done = false;
    for (const QByteArrayView read : Switchboard::Fuzz::readsOf(data, size)) {
        if (done) {
            break;
        }
        buffer.append(read);
        for (;;) {
            qsizetype consumed = 0;
            QByteArrayView body;
            const auto event = parser.next(buffer, consumed, body);
            if (consumed < 0 || consumed > buffer.size()) {
                __builtin_trap();
            }
            if (event == HttpResponseParser::Event::Data) {
                if (body.isEmpty() || body.data() < buffer.constData() ||
                    body.data() + body.size() > buffer.constData() + buffer.size()) {
                    __builtin_trap(); // body views point into the caller's input
                }
                bodyBytes += body.size();
                events.feed(body, [](const SseEvent &) {});
            }
            buffer.remove(0, consumed);
            if (event == HttpResponseParser::Event::NeedMore) {
                break;
            }
            if (event == HttpResponseParser::Event::End || event == HttpResponseParser::Event::Error) {
                done = true;
                break;
            }
        }
    }
    if (!done) {
        [[maybe_unused]] const auto last = parser.finishAtEof();
    }
    return bodyBytes < 0 ? 1 : 0;
}
