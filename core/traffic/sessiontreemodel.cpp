// SPDX-License-Identifier: MIT
#include "sessiontreemodel.h"

#include "exchangerecord.h"
#include "promptshape.h"
#include "trafficlog.h"

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

constexpr quintptr FieldMask = 0xffffffffu;
constexpr qsizetype SessionLabelChars = 48;

// Sessions and branches have no exchange of their own; their turns do.
bool isMessagesTurn(const ExchangeSummary &summary)
{
    // Without a query the whole path (left() of -1 would be empty).
    const qsizetype query = summary.path.indexOf('?');
    QByteArray path = query < 0 ? summary.path : summary.path.left(query);
    while (path.endsWith('/')) {
        path.chop(1);
    }
    return summary.method == "POST" && path.endsWith("/v1/messages");
}

QString tokens(int count)
{
    return count >= 0 ? QString::number(count) : QString();
}

QString elided(const QString &text, qsizetype limit)
{
    return text.size() > limit ? text.left(limit - 1) + u'…' : text;
}

PromptTurn::Dialect dialectOf(const CapturedMessage &upstreamRequest)
{
    return upstreamRequest.startLine.contains("/chat/completions") ? PromptTurn::Dialect::ChatCompletions
                                                                   : PromptTurn::Dialect::Anthropic;
}

} // namespace

SessionTreeModel::SessionTreeModel(TrafficLog &log, QObject *parent)
    : QAbstractItemModel(parent)
    , m_log(log)
{
    connect(&log, &TrafficLog::exchangeAdded, this, &SessionTreeModel::onAdded);
    connect(&log, &TrafficLog::exchangeChanged, this, &SessionTreeModel::onChanged);
    connect(&log, &TrafficLog::cleared, this, &SessionTreeModel::onCleared);
    for (const quint64 id : log.ids()) {
        onAdded(id);
    }
}

SessionTreeModel::~SessionTreeModel() = default;

SessionTreeModel::Location SessionTreeModel::locate(const QModelIndex &index) const
{
    if (!index.isValid()) {
        return {};
    }
    const quintptr id = index.internalId();
    if (id == 0) {
        return {index.row(), -1, -1};
    }
    const int session = int(id & FieldMask) - 1;
    const int branch = int(id >> 32);
    if (branch == 0) {
        return {session, index.row(), -1};
    }
    return {session, branch - 1, index.row()};
}

QModelIndex SessionTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent)) {
        return {};
    }
    const Location at = locate(parent);
    if (at.session < 0) {
        return createIndex(row, column, quintptr(0));
    }
    if (at.branch < 0) {
        return createIndex(row, column, quintptr(at.session + 1));
    }
    return createIndex(row, column, quintptr(at.session + 1) | (quintptr(at.branch + 1) << 32));
}

QModelIndex SessionTreeModel::parent(const QModelIndex &child) const
{
    const Location at = locate(child);
    if (at.branch < 0) {
        return {};
    }
    if (at.turn < 0) {
        return createIndex(at.session, 0, quintptr(0));
    }
    return createIndex(at.branch, 0, quintptr(at.session + 1));
}

int SessionTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0) {
        return 0;
    }
    const Location at = locate(parent);
    if (at.session < 0) {
        return int(m_sessions.size());
    }
    if (at.branch < 0) {
        return int(m_sessions.at(at.session).branches.size());
    }
    if (at.turn < 0) {
        return int(m_sessions.at(at.session).branches.at(at.branch).turns.size());
    }
    return 0;
}

int SessionTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QModelIndex SessionTreeModel::turnIndex(const Location &location, int column) const
{
    return createIndex(location.turn, column, quintptr(location.session + 1) | (quintptr(location.branch + 1) << 32));
}

QModelIndex SessionTreeModel::indexOfExchange(quint64 id) const
{
    const auto found = m_turnByExchange.constFind(id);
    return found == m_turnByExchange.constEnd() ? QModelIndex() : turnIndex(*found, 0);
}

void SessionTreeModel::onAdded(quint64 id)
{
    const auto summary = m_log.summary(id);
    if (!summary || !isMessagesTurn(*summary)) {
        return;
    }
    if (const auto record = m_log.record(id)) {
        addExchange(*record);
    }
    // The model keeps turns the ring has dropped (their figures stay useful) up to a bound.
    if (m_turnCount > 2 * m_log.capacity()) {
        pruneGone();
    }
}

void SessionTreeModel::addExchange(const ExchangeRecord &record)
{
    const QByteArray &body = record.clientRequest.body;
    const QByteArray host = record.clientAddress.section(u':', 0, -2).toUtf8();
    const SessionKey key = SessionKey::fromRequest(record.clientRequest.headers, body, host, record.userAgent);
    int sessionRow = m_sessionById.value(key.id, -1);
    if (sessionRow < 0) {
        sessionRow = int(m_sessions.size());
        beginInsertRows({}, sessionRow, sessionRow);
        m_sessions.append(Session{key, SessionBranches(), {}});
        m_sessionById.insert(key.id, sessionRow);
        endInsertRows();
    }
    Session &session = m_sessions[sessionRow];
    const PromptShape shape = PromptShape::fromClientBody(body);
    int branchRow = session.shapes.assign(shape);
    if (branchRow < 0) {
        branchRow = session.shapes.count() - 1; // beyond the capacity, the newest branches share the last
    }
    const QModelIndex sessionIndex = index(sessionRow, 0);
    if (branchRow >= session.branches.size()) {
        beginInsertRows(sessionIndex, branchRow, branchRow);
        session.branches.append(Branch{shape.systemExcerpt, {}});
        endInsertRows();
    }
    Turn turn;
    turn.exchangeId = record.id;
    turn.started = record.started;
    turn.prompt.clientBody = body;
    Branch &branch = session.branches[branchRow];
    const int turnRow = int(branch.turns.size());
    beginInsertRows(index(branchRow, 0, sessionIndex), turnRow, turnRow);
    branch.turns.append(std::move(turn));
    m_turnCount += 1;
    endInsertRows();
    m_turnByExchange.insert(record.id, {sessionRow, branchRow, turnRow});
    update(record.id, record);
}

void SessionTreeModel::onChanged(quint64 id)
{
    if (!m_turnByExchange.contains(id)) {
        return;
    }
    // Most changes are a streamed answer growing: the summary says whether anything the model
    // shows is new, without copying the bodies.
    if (const auto summary = m_log.summary(id)) {
        update(id, *summary);
    }
}

void SessionTreeModel::update(quint64 id, const ExchangeSummary &summary)
{
    const Location at = m_turnByExchange.value(id);
    Turn &turn = m_sessions[at.session].branches[at.branch].turns[at.turn];
    const bool upstreamArrived = !turn.hasUpstream && summary.upstreamAttempts > 0;
    const bool finished = !turn.finished && summary.state != ExchangeSummary::State::Open;
    if (!upstreamArrived && !finished) {
        return;
    }
    const auto record = m_log.record(id);
    if (!record) {
        return;
    }
    if (record->upstreamRequest.present && !record->upstreamRequest.body.isEmpty() && !turn.hasUpstream) {
        turn.prompt.upstreamBody = record->upstreamRequest.body;
        turn.prompt.dialect = dialectOf(record->upstreamRequest);
        turn.hasUpstream = true;
        diagnoseFrom(at);
    }
    if (finished) {
        turn.figures = TurnFigures::fromRecord(*record);
        turn.finished = true;
    }
    emitTurnChanged(at);
}

void SessionTreeModel::diagnoseFrom(const Location &location)
{
    QList<Turn> &turns = m_sessions[location.session].branches[location.branch].turns;
    // This turn against the one before it, and the next one against this (answers may arrive out
    // of order when an agent sends turns in parallel).
    int previous = -1;
    for (int i = location.turn - 1; i >= 0 && previous < 0; --i) {
        previous = turns.at(i).hasUpstream ? i : -1;
    }
    Turn &turn = turns[location.turn];
    turn.diagnosis = previous >= 0 ? PrefixDoctor::diagnose(turns.at(previous).prompt, turn.prompt) : PrefixDiagnosis{};
    int latest = location.turn;
    for (int next = location.turn + 1; next < turns.size(); ++next) {
        if (turns.at(next).hasUpstream) {
            turns[next].diagnosis = PrefixDoctor::diagnose(turn.prompt, turns.at(next).prompt);
            emitTurnChanged({location.session, location.branch, next});
            latest = next;
            break;
        }
    }
    // Only a branch's latest prompt is compared again; the log holds the bodies of the others.
    for (int i = 0; i < latest; ++i) {
        if (turns.at(i).hasUpstream) {
            turns[i].prompt = {};
        }
    }
}

void SessionTreeModel::emitTurnChanged(const Location &location)
{
    Q_EMIT dataChanged(turnIndex(location, 0), turnIndex(location, ColumnCount - 1));
    // The session's and the branches' rows sum their turns up (and which branch is the main one).
    const QModelIndex session = index(location.session, 0);
    Q_EMIT dataChanged(session, index(location.session, ColumnCount - 1));
    const int branches = rowCount(session);
    Q_EMIT dataChanged(index(0, 0, session), index(branches - 1, ColumnCount - 1, session));
}

void SessionTreeModel::onCleared()
{
    beginResetModel();
    m_sessions.clear();
    m_sessionById.clear();
    m_turnByExchange.clear();
    m_turnCount = 0;
    endResetModel();
}

void SessionTreeModel::pruneGone()
{
    beginResetModel();
    m_turnByExchange.clear();
    m_turnCount = 0;
    for (int s = 0; s < m_sessions.size(); ++s) {
        QList<Branch> &branches = m_sessions[s].branches;
        for (int b = 0; b < branches.size(); ++b) {
            QList<Turn> &turns = branches[b].turns;
            turns.removeIf([this](const Turn &turn) { return !m_log.summary(turn.exchangeId); });
            for (int t = 0; t < turns.size(); ++t) {
                m_turnByExchange.insert(turns.at(t).exchangeId, {s, b, t});
            }
            m_turnCount += int(turns.size());
        }
    }
    endResetModel();
}

QList<SessionTurnPoint> SessionTreeModel::turnPoints(const QModelIndex &index) const
{
    Location at = locate(index);
    if (at.session < 0 || at.session >= m_sessions.size()) {
        return {};
    }
    const QList<Branch> &branches = m_sessions.at(at.session).branches;
    if (at.branch < 0) {
        at.branch = 0;
        for (int b = 1; b < branches.size(); ++b) {
            at.branch = branches.at(b).turns.size() > branches.at(at.branch).turns.size() ? b : at.branch;
        }
    }
    QList<SessionTurnPoint> points;
    if (at.branch >= branches.size()) {
        return points;
    }
    for (const Turn &turn : branches.at(at.branch).turns) {
        points.append({turn.figures.contextTokens, turn.figures.cachedTokens, turn.diagnosis.broken()});
    }
    return points;
}

QString SessionTreeModel::sessionText(const Session &session, int column) const
{
    int turns = 0;
    int broken = 0;
    const Turn *latest = nullptr;
    for (const Branch &branch : session.branches) {
        turns += int(branch.turns.size());
        for (const Turn &turn : branch.turns) {
            broken += turn.diagnosis.broken() ? 1 : 0;
            latest = !latest || turn.exchangeId > latest->exchangeId ? &turn : latest;
        }
    }
    switch (column) {
    case TurnColumn: {
        // A Claude Code session id is a UUID: its first group tells sessions apart (the tooltip has it all).
        const QString id = QString::fromUtf8(session.key.id);
        const QString name = session.key.source == SessionKey::Source::Client ? elided(id, SessionLabelChars)
                             : id.size() > 12                                 ? id.left(8) + u'…'
                                                                              : id;
        const QString count = turns == 1 ? tr("1 turn") : tr("%1 turns").arg(turns);
        return session.key.source == SessionKey::Source::Client ? tr("%1 (%2)").arg(name, count)
                                                                : tr("Session %1 (%2)").arg(name, count);
    }
    case TimeColumn:
        return latest ? latest->started.toString(u"HH:mm:ss"_s) : QString();
    case PrefixColumn:
        return broken ? tr("%1 broken").arg(broken) : tr("ok");
    default:
        return {};
    }
}

QString SessionTreeModel::branchText(const Session &session, int branch, int column) const
{
    const Branch &shown = session.branches.at(branch);
    switch (column) {
    case TurnColumn: {
        // The agent's own conversation is the longest; the others are its subagents and side requests.
        qsizetype longest = 0;
        for (const Branch &other : session.branches) {
            longest = std::max(longest, other.turns.size());
        }
        const QString role = shown.turns.size() == longest ? tr("main") : tr("subagent");
        return shown.systemExcerpt.isEmpty() ? role : role + u" · " + shown.systemExcerpt;
    }
    case PrefixColumn: {
        const auto broken = std::count_if(shown.turns.begin(), shown.turns.end(),
                                          [](const Turn &turn) { return turn.diagnosis.broken(); });
        return broken ? tr("%1 broken").arg(broken) : tr("ok");
    }
    default:
        return {};
    }
}

QString SessionTreeModel::turnText(const Turn &turn, int number, int column) const
{
    const TurnFigures &figures = turn.figures;
    switch (column) {
    case TurnColumn:
        return tr("#%1").arg(number);
    case TimeColumn:
        return turn.started.toString(u"HH:mm:ss"_s);
    case ContextColumn:
        return tokens(figures.contextTokens);
    case CachedColumn:
        return tokens(figures.cachedTokens);
    case EvaluatedColumn:
        return tokens(figures.evaluatedTokens);
    case PromptMsColumn:
        return figures.promptMs >= 0 ? QString::number(figures.promptMs, 'f', figures.promptMs < 10 ? 1 : 0)
                                     : QString();
    case FirstTokenColumn:
        return figures.timeToFirstTokenUs >= 0 ? QString::number(figures.timeToFirstTokenUs / 1000) : QString();
    case ToolsColumn:
        return turn.finished ? QString::number(figures.toolCalls) : QString();
    case PrefixColumn:
        switch (turn.diagnosis.verdict) {
        case PrefixDiagnosis::Verdict::Extends:
            return tr("ok");
        case PrefixDiagnosis::Verdict::Broken:
            return tr("broken at %1").arg(turn.diagnosis.location().remove(u"upstream "_s));
        case PrefixDiagnosis::Verdict::Unknown:
            return turn.hasUpstream ? (number == 1 ? tr("first") : tr("—")) : tr("no upstream");
        }
    }
    return {};
}

QVariant SessionTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const Location at = locate(index);
    const Session &session = m_sessions.at(at.session);
    const Turn *turn = at.turn >= 0 ? &session.branches.at(at.branch).turns.at(at.turn) : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        if (turn) {
            return turnText(*turn, at.turn + 1, index.column());
        }
        return at.branch >= 0 ? branchText(session, at.branch, index.column()) : sessionText(session, index.column());
    case Qt::ToolTipRole:
        if (turn && index.column() == PrefixColumn && turn->diagnosis.broken()) {
            return turn->diagnosis.details();
        }
        if (!turn && index.column() == TurnColumn) {
            return at.branch >= 0 ? session.branches.at(at.branch).systemExcerpt : QString::fromUtf8(session.key.id);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() >= ContextColumn && index.column() < PrefixColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case ExchangeIdRole:
        return turn ? turn->exchangeId : quint64(0);
    case DiagnosisRole:
        return turn ? turn->diagnosis.details() : QString();
    case BrokenPrefixRole:
        return turn && turn->diagnosis.broken();
    default:
        return {};
    }
}

QVariant SessionTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractItemModel::headerData(section, orientation, role);
    }
    static const char *const titles[] = {QT_TR_NOOP("Turn"),    QT_TR_NOOP("Time"),      QT_TR_NOOP("Context"),
                                         QT_TR_NOOP("Cached"),  QT_TR_NOOP("Evaluated"), QT_TR_NOOP("Prompt ms"),
                                         QT_TR_NOOP("TTFT ms"), QT_TR_NOOP("Tools"),     QT_TR_NOOP("Prefix")};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace Switchboard::Core
