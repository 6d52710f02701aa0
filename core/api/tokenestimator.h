// SPDX-License-Identifier: MIT
#pragma once

#include "messagesrequest.h"

#include <QtCore/QByteArrayView>

#include <vector>

namespace Switchboard::Core {

// Switchboard's own token estimate, for backends that cannot count (and the simulator's tokens).
// It imitates a BPE vocabulary without one: a short word with its leading space is one token,
// longer words one more per six letters, digits in threes, punctuation in pairs, each CJK
// character one, runs of newlines one; images cost what Anthropic charges for their size. On English prose and JSON it
// lands within about 15% of cl100k-style tokenizers, erring high (an undercount makes agents compact their context too
// late).
class TokenEstimator
{
public:
    // Splits UTF-8 text into contiguous pieces that concatenate back to the text.
    static std::vector<QByteArrayView> split(QByteArrayView text);
    static int countText(QByteArrayView text);

    // The whole prompt: system, every block of every message, tool definitions, framing.
    static int countRequest(const MessagesRequest &request);
};

} // namespace Switchboard::Core
