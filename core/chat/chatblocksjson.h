// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QString>

namespace Switchboard::Core::ChatBlocksJson {

// The parts of a message beyond its text and thinking (images, tool calls, tool results, the
// thinking's signature) as one JSON text, for the store's `blocks` column. Empty when the message
// has none of them, so plain messages cost nothing.
QString write(const ChatMessage &message);

// Fills those parts of `message` from `json`; empty or unreadable text leaves them empty (a damaged
// column must not hide the message's text).
void read(const QString &json, ChatMessage &message);

} // namespace Switchboard::Core::ChatBlocksJson
