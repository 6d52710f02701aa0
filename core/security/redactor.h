// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpheaders.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// The one place where secrets are masked, before anything reaches a log, the inspector, an export
// or an error message that quotes a backend. It masks:
//  - every secret registered at startup (configured backend keys, Switchboard's own key), whatever
//    its shape;
//  - values of credential headers, URL parameters and JSON fields, by name (`x-api-key`,
//    `Authorization`, `Cookie`, `?key=`, `"api_key":`…);
//  - well-known key shapes anywhere in text (`sk-ant-…`, `sk-…`, `AKIA…`, `AIza…`, `ghp_…`,
//    `xox?-…`, JWTs, `Bearer …`) and passwords in URLs.
// A masked value becomes its recognisable prefix followed by "[redacted]".
class Redactor
{
public:
    static QByteArray text(QByteArrayView text);
    static QByteArray url(QByteArrayView url) { return text(url); }
    static QByteArray headerValue(QByteArrayView name, QByteArrayView value);
    static HttpHeaders headers(const HttpHeaders &headers);
    // Control characters as \xNN, so a logged field cannot forge a log line or a terminal sequence.
    static QByteArray escapeControls(QByteArrayView text);
    // Both: what any field from the network needs before it is logged.
    static QByteArray forLog(QByteArrayView text) { return escapeControls(Redactor::text(text)); }

    // Sends every Qt log message through forLog() on its way to stderr.
    static void installMessageHandler();

    // Whether a header carries credentials by its name alone.
    static bool isCredentialHeader(QByteArrayView name);

    // Thread-safe; secrets shorter than 8 bytes are ignored (masking them would mangle text).
    static void registerSecret(QByteArrayView secret);

    static constexpr QByteArrayView Mask = "[redacted]";
};

} // namespace Switchboard::Core
