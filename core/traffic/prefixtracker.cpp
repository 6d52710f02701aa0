// SPDX-License-Identifier: MIT
#include "prefixtracker.h"

#include <QtCore/QLoggingCategory>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcPrefix, "switchboard.prefix", QtInfoMsg)
} // namespace

PrefixTracker::PrefixTracker(int capacity)
    : m_capacity(std::max(1, capacity))
{}

PrefixTracker::Session &PrefixTracker::sessionFor(const QByteArray &id)
{
    if (const auto found = m_index.constFind(id); found != m_index.constEnd()) {
        m_sessions.splice(m_sessions.begin(), m_sessions, *found);
        return m_sessions.front();
    }
    if (int(m_sessions.size()) >= m_capacity) {
        m_index.remove(m_sessions.back().id);
        m_sessions.pop_back();
    }
    m_sessions.push_front(Session{id, SessionBranches(MaxBranches), {}});
    m_index.insert(id, m_sessions.begin());
    return m_sessions.front();
}

PrefixDiagnosis PrefixTracker::observe(const SessionKey &key, const PromptTurn &turn)
{
    Session &session = sessionFor(key.id);
    const int branchIndex = session.branches.assign(PromptShape::fromClientBody(turn.clientBody));
    if (branchIndex < 0) {
        return {}; // an agent with this many subagents: the newest go unwatched, not the main one
    }
    Branch &branch = session.latest[branchIndex];
    PrefixDiagnosis diagnosis;
    if (branch.turns > 0) {
        diagnosis = PrefixDoctor::diagnose(branch.latest, turn);
    }
    branch.latest = turn;
    branch.turns += 1;
    if (diagnosis.broken()) {
        const QString line = QStringLiteral("session %1 branch %2 turn %3: %4")
                                 .arg(QString::fromUtf8(key.id))
                                 .arg(branchIndex + 1)
                                 .arg(branch.turns)
                                 .arg(diagnosis.summary());
        if (diagnosis.blamesSwitchboard()) {
            qCWarning(lcPrefix).noquote() << line;
        } else {
            qCInfo(lcPrefix).noquote() << line;
        }
    }
    return diagnosis;
}

} // namespace Switchboard::Core
