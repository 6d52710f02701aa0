// SPDX-License-Identifier: MIT
// Bytes from a client connection, delivered in arbitrary reads: request framing, limits and the
// refusals that keep a body from being read as the next request.
#include "fuzzinput.h"
#include "http/httprequestparser.h"

using namespace Switchboard::Core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpRequestParser parser;
    QByteArray buffer;
    for (const QByteArrayView read : Switchboard::Fuzz::readsOf(data, size)) {
        buffer.append(read);
        for (;;) {
            qsizetype consumed = 0;
            const auto progress = parser.parse(buffer, consumed);
            if (consumed < 0 || consumed > buffer.size()) {
                __builtin_trap();
            }
            buffer.remove(0, consumed);
            if (progress == HttpRequestParser::Progress::NeedMore) {
                break;
            }
            if (progress == HttpRequestParser::Progress::Error) {
                const int status = parser.errorStatus();
                // A client's bytes earn a 4xx, or 501/505 for what HTTP/1.1 lets us not implement.
                if ((status < 400 || status > 499) && status != 501 && status != 505) {
                    __builtin_trap();
                }
                return 0; // the connection closes
            }
            if (progress == HttpRequestParser::Progress::MessageComplete) {
                const HttpRequest request = parser.takeRequest();
                const bool targetOk =
                    request.target.startsWith('/') || request.target == "*" || request.target.startsWith("http");
                if (request.method.isEmpty() || !targetOk) {
                    __builtin_trap();
                }
                parser.reset();
            }
        }
    }
    return 0;
}
