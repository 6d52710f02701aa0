// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace Switchboard::Core::Ids {

// Anthropic-style identifiers: a prefix, "01" and 22 random base62 characters
// (e.g. msg_01XFDUDYJgAACzvnptvVoYEL). Clients must not assume a length; we mirror the real shape.
QByteArray messageId();
QByteArray requestId();
QByteArray toolUseId();

} // namespace Switchboard::Core::Ids
