// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpheaders.h"

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// Which agent session a Messages request belongs to. Claude Code names its session: in the
// `X-Claude-Code-Session-Id` header, and in `metadata.user_id` (a JSON string with `session_id`
// today, `user_<hash>_account_<uuid>_session_<uuid>` in older versions). Other clients are told
// apart by who sent the request (address and user agent), the model and the system prompt.
struct SessionKey
{
    enum class Source
    {
        Header,
        MetadataJson,
        MetadataLegacy,
        Client,
    };

    QByteArray id;
    Source source = Source::Client;

    // `clientHost` is the client's address without its port (a client opens new connections).
    static SessionKey fromRequest(const HttpHeaders &headers, QByteArrayView body, QByteArrayView clientHost,
                                  QByteArrayView userAgent);

    bool operator==(const SessionKey &) const = default;
};

} // namespace Switchboard::Core
