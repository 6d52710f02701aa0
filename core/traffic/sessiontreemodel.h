// SPDX-License-Identifier: MIT
#pragma once

#include "prefixdoctor.h"
#include "sessionbranches.h"
#include "sessionkey.h"
#include "turnfigures.h"

#include <QtCore/QAbstractItemModel>
#include <QtCore/QDateTime>
#include <QtCore/QHash>

namespace Switchboard::Core {

class TrafficLog;
struct ExchangeRecord;
struct ExchangeSummary;

// One turn as the sessions chart draws it.
struct SessionTurnPoint
{
    int contextTokens = -1;
    int cachedTokens = -1;
    bool brokenPrefix = false;
};

// The inspector's sessions: the Messages exchanges in a TrafficLog grouped into agent sessions
// (SessionKey), each session into branches (a subagent is a branch of its own, SessionBranches),
// each branch into its turns with their figures (TurnFigures) and whether the turn's upstream
// prompt extended the branch's previous one (PrefixDoctor). A tree: session → branch → turn.
class SessionTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionTreeModel)

public:
    enum Column
    {
        TurnColumn,
        TimeColumn,
        ContextColumn,
        CachedColumn,
        EvaluatedColumn,
        PromptMsColumn,
        FirstTokenColumn,
        ToolsColumn,
        PrefixColumn,
        ColumnCount,
    };
    enum Role
    {
        ExchangeIdRole = Qt::UserRole + 1, // a turn's exchange; 0 on sessions and branches
        DiagnosisRole,                     // a turn's prefix diagnosis, in full
        BrokenPrefixRole,                  // bool: the turn's prefix broke
    };

    explicit SessionTreeModel(TrafficLog &log, QObject *parent = nullptr);
    ~SessionTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The turns of the branch `index` is in (a turn's, or the branch itself); for a session, of its
    // longest branch. Oldest first.
    QList<SessionTurnPoint> turnPoints(const QModelIndex &index) const;
    // The turn row of an exchange, if it is a Messages turn.
    QModelIndex indexOfExchange(quint64 id) const;

private:
    struct Turn
    {
        quint64 exchangeId = 0;
        QDateTime started;
        PromptTurn prompt;
        bool hasUpstream = false;
        bool finished = false;
        TurnFigures figures;
        PrefixDiagnosis diagnosis;
    };
    struct Branch
    {
        QString systemExcerpt;
        QList<Turn> turns;
    };
    struct Session
    {
        SessionKey key;
        SessionBranches shapes;
        QList<Branch> branches;
    };
    struct Location
    {
        int session = -1;
        int branch = -1;
        int turn = -1;
    };

    void onAdded(quint64 id);
    void onChanged(quint64 id);
    void onCleared();
    void addExchange(const ExchangeRecord &record);
    void update(quint64 id, const ExchangeSummary &summary);
    void diagnoseFrom(const Location &location);
    void emitTurnChanged(const Location &location);
    void pruneGone();

    Location locate(const QModelIndex &index) const;
    QModelIndex turnIndex(const Location &location, int column) const;
    QString sessionText(const Session &session, int column) const;
    QString branchText(const Session &session, int branch, int column) const;
    QString turnText(const Turn &turn, int number, int column) const;

    TrafficLog &m_log;
    QList<Session> m_sessions;
    QHash<QByteArray, int> m_sessionById;
    QHash<quint64, Location> m_turnByExchange;
    int m_turnCount = 0;
};

} // namespace Switchboard::Core
