// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace Switchboard::Core {

// What tells the conversations of one agent session apart: digests of the client's system prompt
// and of its first message, and how many messages the request holds.
struct PromptShape
{
    QByteArray system;       // digest; the same for `"system":"x"` and a text block "x"
    QByteArray firstMessage; // digest, empty without messages
    int messageCount = 0;
    QString systemExcerpt; // the start of the system prompt's text, to label a branch

    static PromptShape fromClientBody(QByteArrayView body);
};

} // namespace Switchboard::Core
