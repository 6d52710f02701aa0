// SPDX-License-Identifier: MIT
#pragma once

#include "promptshape.h"

#include <QtCore/QList>

namespace Switchboard::Core {

// The conversations inside one agent session. A subagent has its own system prompt and first
// message, so it gets its own branch; a turn continues the branch that shares both, else the one
// that shares its first message (the client changed its system prompt), else, when it is not a
// conversation's first turn, the latest one with its system prompt (the client rewrote its first
// message). Anything else starts a branch.
class SessionBranches
{
public:
    // At most `capacity` branches: a client that sends a new system prompt with every request
    // must not grow one session without bound.
    explicit SessionBranches(int capacity = 1024)
        : m_capacity(capacity)
    {}

    // The branch's index, in the order branches appeared; -1 for a new branch beyond the capacity.
    int assign(const PromptShape &shape);
    int count() const { return int(m_latest.size()); }

private:
    int m_capacity;
    QList<PromptShape> m_latest; // each branch's latest turn
};

} // namespace Switchboard::Core
