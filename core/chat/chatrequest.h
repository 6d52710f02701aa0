// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QJsonArray>
#include <QtCore/QList>

namespace Switchboard::Core {

// The `messages` the playground sends for a conversation. Failed, blank and still-streaming replies
// are not sent, and turns of the same role that end up next to each other (a question whose reply
// failed, then another question) are joined, so the request stays a valid alternation.
namespace ChatRequest {

QJsonArray turns(const QList<ChatMessage> &messages);

} // namespace ChatRequest

} // namespace Switchboard::Core
