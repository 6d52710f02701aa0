// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Switchboard::Core::Ids {

// Anthropic-style identifiers: a prefix, "01" and 22 base62 characters
// (e.g. msg_01XFDUDYJgAACzvnptvVoYEL). Clients must not assume a length; we mirror the real shape.
QByteArray messageId();
QByteArray requestId();

// A tool_use id for a call the backend gave none, derived rather than drawn: the same seed, call
// index and name always give the same id (a replayed answer and a stored history keep their ids),
// and 128 bits of SHA-256 make different ones collide no more often than random ids would.
// `digest` is seedDigest(seed), made once per answer.
QByteArray seedDigest(QByteArrayView seed);
QByteArray toolUseId(QByteArrayView digest, int index, QByteArrayView name);

} // namespace Switchboard::Core::Ids
