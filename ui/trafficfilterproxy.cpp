// SPDX-License-Identifier: MIT
#include "trafficfilterproxy.h"

#include "traffic/traffictablemodel.h"

namespace Switchboard::Ui {

using Core::TrafficTableModel;

TrafficFilterProxy::TrafficFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Rows change state as they stream (open → 2xx); a status filter must follow them.
    setDynamicSortFilter(true);
}

void TrafficFilterProxy::setText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed != m_text) {
        m_text = trimmed;
        invalidateFilter();
    }
}

void TrafficFilterProxy::setStatusClass(const QString &statusClass)
{
    if (statusClass != m_statusClass) {
        m_statusClass = statusClass;
        invalidateFilter();
    }
}

void TrafficFilterProxy::setClient(const QString &client)
{
    if (client != m_client) {
        m_client = client;
        invalidateFilter();
    }
}

bool TrafficFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_statusClass.isEmpty() && index.data(TrafficTableModel::StatusClassRole).toString() != m_statusClass) {
        return false;
    }
    if (!m_client.isEmpty() && index.data(TrafficTableModel::ClientRole).toString() != m_client) {
        return false;
    }
    return m_text.isEmpty() ||
           index.data(TrafficTableModel::SearchTextRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace Switchboard::Ui
