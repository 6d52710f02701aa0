// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

namespace Switchboard::Core {

// The `messages` the playground sends for a conversation. Failed, blank and still-streaming replies
// are not sent, and turns of the same role that end up next to each other (a question whose reply
// failed, then another question) are joined, so the request stays a valid alternation.
namespace ChatRequest {

// The array as compact JSON, keys in the order the API documents them. A tool call's input is sent
// as the model wrote it (ChatToolUse::inputJson), not re-serialised: a local engine caches the
// tokens it generated, and sorted keys or respelled numbers would make it read the turn again.
QByteArray turns(const QList<ChatMessage> &messages);

} // namespace ChatRequest

} // namespace Switchboard::Core
