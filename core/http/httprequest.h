// SPDX-License-Identifier: MIT
#pragma once

#include "httpheaders.h"

#include <QtCore/QByteArray>
#include <QtNetwork/QHostAddress>

namespace Switchboard::Core {

// One parsed request. It is the handler's own copy: the connection keeps nothing the handler reads.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;    // as sent: path and query, or an absolute URI
    QByteArray authority; // of an absolute-form target ("host:port"), which then overrides Host
    QByteArray path;      // percent-decoding is left to routes; none of ours needs it
    QByteArray query;
    int minorVersion = 1; // HTTP/1.x
    HttpHeaders headers;
    QByteArray body;
    QHostAddress peerAddress;
    quint16 peerPort = 0;

    QByteArray header(QByteArrayView name) const { return headers.value(name); }
    // The value of `name` in the query string (no decoding beyond '+' and %XX), or a null array.
    QByteArray queryValue(QByteArrayView name) const;
};

} // namespace Switchboard::Core
