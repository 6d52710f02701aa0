// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QSortFilterProxyModel>

namespace Switchboard::Ui {

// The inspector table's three filters over Core::TrafficTableModel: free text (any column, the
// request id or the user agent), status class and client address. An empty value lets all through.
class TrafficFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficFilterProxy)

public:
    explicit TrafficFilterProxy(QObject *parent = nullptr);

    void setText(const QString &text);
    // "2xx", "4xx", "5xx", "open" or "gone" (Core::TrafficTableModel::StatusClassRole).
    void setStatusClass(const QString &statusClass);
    // An address without its port (Core::TrafficTableModel::ClientRole).
    void setClient(const QString &client);

    QString text() const { return m_text; }
    QString statusClass() const { return m_statusClass; }
    QString client() const { return m_client; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_statusClass;
    QString m_client;
};

} // namespace Switchboard::Ui
