// SPDX-License-Identifier: MIT
#pragma once

#include "prefixdoctor.h"
#include "sessionbranches.h"
#include "sessionkey.h"

#include <QtCore/QHash>

#include <list>

namespace Switchboard::Core {

// The gateway's own memory of agent sessions, for the log: it keeps each branch's latest turn and
// logs one line for every turn whose upstream prompt does not extend its branch's previous one.
// It needs no TrafficLog, so headless Switchboard says it too. Bounded: the sessions least recently
// seen are forgotten first. One thread (the gateway's).
class PrefixTracker
{
public:
    static constexpr int DefaultCapacity = 256;
    static constexpr int MaxBranches = 32; // per session; Claude Code starts one per subagent

    explicit PrefixTracker(int capacity = DefaultCapacity);
    PrefixTracker(const PrefixTracker &) = delete;
    PrefixTracker &operator=(const PrefixTracker &) = delete;

    // Compares `turn` with its branch's previous turn, logs a broken prefix, and keeps `turn` as
    // the branch's latest. A branch's first turn extends nothing: its verdict is Unknown.
    PrefixDiagnosis observe(const SessionKey &session, const PromptTurn &turn);

    int sessionCount() const { return int(m_sessions.size()); }

private:
    struct Branch
    {
        PromptTurn latest;
        int turns = 0;
    };
    struct Session
    {
        QByteArray id;
        SessionBranches branches{MaxBranches};
        QHash<int, Branch> latest;
    };

    Session &sessionFor(const QByteArray &id);

    int m_capacity;
    std::list<Session> m_sessions; // most recently seen first
    QHash<QByteArray, std::list<Session>::iterator> m_index;
};

} // namespace Switchboard::Core
