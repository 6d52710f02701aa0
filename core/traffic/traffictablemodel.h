// SPDX-License-Identifier: MIT
#pragma once

#include "exchangerecord.h"

#include <QtCore/QAbstractTableModel>

namespace Switchboard::Core {

class TrafficLog;

// The inspector's table: one row per exchange in the log, oldest first, updated live. It follows
// the log's ring: rows leave from the top as the oldest exchanges fall out.
class TrafficTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficTableModel)

public:
    enum Column
    {
        TimeColumn,
        ClientColumn,
        MethodColumn,
        PathColumn,
        ModelColumn,
        BackendColumn,
        StatusColumn,
        FirstByteColumn,
        DurationColumn,
        TokensColumn,
        ColumnCount,
    };
    enum Role
    {
        ExchangeIdRole = Qt::UserRole + 1,
        StatusClassRole, // "2xx", "4xx", "5xx", "open", "gone"
        ClientRole,      // the client address without the port, for the client filter
        SearchTextRole,  // every column's text in one string, for the text filter
    };

    explicit TrafficTableModel(TrafficLog &log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    quint64 exchangeId(int row) const;
    int rowOf(quint64 id) const; // -1 when absent

private:
    void onAdded(quint64 id);
    void onChanged(quint64 id);
    void onCleared();
    void onCapacityChanged();
    QString text(const ExchangeSummary &exchange, int column) const;

    TrafficLog &m_log;
    QList<ExchangeSummary> m_rows;
};

} // namespace Switchboard::Core
