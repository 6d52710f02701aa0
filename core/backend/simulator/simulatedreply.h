// SPDX-License-Identifier: MIT
#pragma once

#include "api/messagesrequest.h"

#include <QtCore/QByteArray>

namespace Switchboard::Core {

// The simulator's answer to a request: deterministic (the same request always gets the same
// words), about the request (it quotes the question), and long enough to exercise streaming.
// A last user message that starts with "Say exactly:" is answered with the text after it, verbatim,
// which makes stop sequences and token limits easy to test.
class SimulatedReply
{
public:
    static QByteArray compose(const MessagesRequest &request);
};

} // namespace Switchboard::Core
