// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "chatsettings.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

namespace Switchboard::Core {

// The Messages request the playground sends for a conversation: its settings (unset ones left
// out) and its turns. Failed and empty replies are not sent, and turns of the same role that end up
// next to each other are joined, so the request stays a valid alternation.
namespace ChatRequest {

QByteArray body(const ChatSettings &settings, const QList<ChatMessage> &messages);

} // namespace ChatRequest

} // namespace Switchboard::Core
