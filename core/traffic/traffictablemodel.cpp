// SPDX-License-Identifier: MIT
#include "traffictablemodel.h"

#include "trafficlog.h"

#include <QtCore/QLocale>

#include <algorithm>
#include <limits>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

QString milliseconds(qint64 us)
{
    if (us < 0) {
        return {};
    }
    if (us < 10'000) {
        return QStringLiteral("%1 ms").arg(us / 1000.0, 0, 'f', 2);
    }
    if (us < 10'000'000) {
        return QStringLiteral("%1 ms").arg(us / 1000);
    }
    return QStringLiteral("%1 s").arg(us / 1e6, 0, 'f', 1);
}

QString statusClass(const ExchangeSummary &exchange)
{
    if (exchange.state == ExchangeSummary::State::ClientGone) {
        return u"gone"_s;
    }
    if (exchange.status == 0) {
        return u"open"_s;
    }
    return QString::number(exchange.status / 100) + u"xx"_s;
}

} // namespace

TrafficTableModel::TrafficTableModel(TrafficLog &log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(log)
{
    connect(&log, &TrafficLog::exchangeAdded, this, &TrafficTableModel::onAdded);
    connect(&log, &TrafficLog::exchangeChanged, this, &TrafficTableModel::onChanged);
    connect(&log, &TrafficLog::cleared, this, &TrafficTableModel::onCleared);
    connect(&log, &TrafficLog::capacityChanged, this, &TrafficTableModel::onCapacityChanged);
    for (const quint64 id : log.ids()) {
        if (auto summary = log.summary(id)) {
            m_rows.append(*summary);
        }
    }
}

int TrafficTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

quint64 TrafficTableModel::exchangeId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}

int TrafficTableModel::rowOf(quint64 id) const
{
    // Ids ascend down the table, so the row follows from the first one.
    if (m_rows.isEmpty() || id < m_rows.first().id) {
        return -1;
    }
    const quint64 row = id - m_rows.first().id;
    return row < quint64(m_rows.size()) && m_rows.at(qsizetype(row)).id == id ? int(row) : -1;
}

void TrafficTableModel::onAdded(quint64 id)
{
    auto summary = m_log.summary(id);
    if (!summary) {
        return; // already out of the ring
    }
    // The log drops its oldest exchanges as new ones come in; the table follows.
    const qsizetype excess = m_rows.size() + 1 - m_log.capacity();
    if (excess > 0) {
        beginRemoveRows({}, 0, int(std::min(excess, m_rows.size())) - 1);
        m_rows.remove(0, std::min(excess, m_rows.size()));
        endRemoveRows();
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(*summary);
    endInsertRows();
}

void TrafficTableModel::onChanged(quint64 id)
{
    const int row = rowOf(id);
    if (row < 0) {
        return;
    }
    if (auto summary = m_log.summary(id)) {
        m_rows[row] = *summary;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void TrafficTableModel::onCleared()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void TrafficTableModel::onCapacityChanged()
{
    // A smaller ring dropped its oldest exchanges at once; their rows leave from the top.
    const QList<quint64> ids = m_log.ids();
    const quint64 oldestKept = ids.isEmpty() ? std::numeric_limits<quint64>::max() : ids.first();
    qsizetype gone = 0;
    while (gone < m_rows.size() && m_rows.at(gone).id < oldestKept) {
        ++gone;
    }
    if (gone > 0) {
        beginRemoveRows({}, 0, int(gone) - 1);
        m_rows.remove(0, gone);
        endRemoveRows();
    }
}

QString TrafficTableModel::text(const ExchangeSummary &exchange, int column) const
{
    switch (column) {
    case TimeColumn:
        return exchange.started.toString(u"HH:mm:ss.zzz"_s);
    case ClientColumn:
        return exchange.clientAddress;
    case MethodColumn:
        return QString::fromLatin1(exchange.method);
    case PathColumn:
        return QString::fromUtf8(exchange.path);
    case ModelColumn:
        return QString::fromUtf8(exchange.model);
    case BackendColumn:
        return QString::fromUtf8(exchange.backend);
    case StatusColumn:
        if (exchange.state == ExchangeSummary::State::ClientGone) {
            return exchange.status ? tr("%1 (client left)").arg(exchange.status) : tr("client left");
        }
        return exchange.status ? QString::number(exchange.status) : tr("…");
    case FirstByteColumn:
        return milliseconds(exchange.timeToFirstByteUs);
    case DurationColumn:
        return exchange.durationUs >= 0 ? milliseconds(exchange.durationUs) : tr("open");
    case TokensColumn:
        if (exchange.inputTokens < 0 && exchange.outputTokens < 0) {
            return {};
        }
        {
            // The whole prompt (the three input fields add up to it), and how much of it was cached.
            const int cached = std::max(exchange.cacheReadTokens, 0);
            const int prompt = exchange.inputTokens < 0
                                   ? -1
                                   : exchange.inputTokens + std::max(exchange.cacheCreationTokens, 0) + cached;
            const QString tokens = QStringLiteral("%1 → %2").arg(
                prompt < 0 ? u"?"_s : QString::number(prompt),
                exchange.outputTokens < 0 ? u"?"_s : QString::number(exchange.outputTokens));
            return cached > 0 ? tr("%1 (%2 cached)").arg(tokens).arg(cached) : tokens;
        }
    default:
        return {};
    }
}

QVariant TrafficTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ExchangeSummary &exchange = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return text(exchange, index.column());
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !exchange.upstreamError.isEmpty()) {
            return tr("Upstream: %1").arg(exchange.upstreamError);
        }
        if (index.column() == ClientColumn) {
            return QString::fromUtf8(exchange.userAgent);
        }
        return text(exchange, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= StatusColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case ExchangeIdRole:
        return exchange.id;
    case StatusClassRole:
        return statusClass(exchange);
    case ClientRole:
        return exchange.clientAddress.section(u':', 0, -2);
    case SearchTextRole: {
        QStringList parts;
        for (int column = 0; column < ColumnCount; ++column) {
            parts << text(exchange, column);
        }
        parts << QString::fromUtf8(exchange.requestId) << QString::fromUtf8(exchange.userAgent);
        return parts.join(u' ');
    }
    default:
        return {};
    }
}

QVariant TrafficTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    static const char *const titles[] = {QT_TR_NOOP("Time"),           QT_TR_NOOP("Client"), QT_TR_NOOP("Method"),
                                         QT_TR_NOOP("Path"),           QT_TR_NOOP("Model"),  QT_TR_NOOP("Backend"),
                                         QT_TR_NOOP("Status"),         QT_TR_NOOP("TTFB"),   QT_TR_NOOP("Duration"),
                                         QT_TR_NOOP("Tokens in → out")};
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace Switchboard::Core
