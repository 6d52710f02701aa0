// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// One entry of GET /v1/models.
struct ModelInfo
{
    QByteArray id;
    QByteArray displayName;
    QByteArray createdAt; // RFC 3339; the epoch when the backend does not say
};

} // namespace Switchboard::Core
