// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>
#include <QtCore/QTimer>
#include <QtWidgets/QWidget>

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolButton;
class QTreeWidget;

namespace Switchboard::Core {
class SessionTreeModel;
class TrafficLog;
class TrafficTableModel;
struct ExchangeRecord;
} // namespace Switchboard::Core

namespace Switchboard::Ui {

class SessionsView;
class TrafficFilterProxy;

// The traffic inspector: a filterable live table of the exchanges in a TrafficLog and, for the
// selected one, its request, response, SSE timeline, upstream leg and request diff. It only shows
// what the log recorded (already redacted); formatting of bodies lives in Core::BodyFormat.
class InspectorPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InspectorPanel)

public:
    enum class Format
    {
        Har,
        JsonLines,
    };
    Q_ENUM(Format)

    explicit InspectorPanel(Core::TrafficLog &log, QWidget *parent = nullptr);
    ~InspectorPanel() override;

    // Where clients reach Switchboard; "Copy as curl" points there.
    void setBaseUrl(const QString &url);
    QString baseUrl() const { return m_baseUrl; }

    // Writes every exchange in the log, or the selected rows only. False when there is nothing to
    // write or the file cannot be written.
    bool exportTo(const QString &path, Format format, bool selectedOnly);

    // The splitters' sizes and the table's column widths.
    QByteArray saveState() const;
    void restoreState(const QByteArray &state);

Q_SIGNALS:
    // "Open in playground" on a row: the client's request body, as recorded (redacted).
    void openInPlayground(const QByteArray &requestBody);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildFilterRow();
    void buildTable();
    void buildViews();
    void buildDetail();
    void buildActions();

    void addClientsFrom(int firstRow, int lastRow);
    void resetClientFilter();
    void showContextMenu(const QPoint &position);
    void exportInteractively(Format format, bool selectedOnly);
    void copyCurl();
    void openCurrentInPlayground();

    // Makes the exchange the table's current row (the Sessions view's selected turn).
    void selectExchange(quint64 id);
    QList<quint64> selectedIds() const;
    quint64 currentId() const;
    void onCurrentChanged();
    void onExchangeChanged(quint64 id);
    void refreshDetail();
    void clearDetail(const QString &message);
    void showRecord(const Core::ExchangeRecord &record, bool sameExchange);
    void showTimeline(const Core::ExchangeRecord &record, bool sameExchange);
    void showDiff(const Core::ExchangeRecord &record, bool sameExchange);
    void applyDiffFilter();
    void setViewText(QPlainTextEdit *view, const QString &text);
    void followNewest();

    Core::TrafficLog &m_log;
    Core::TrafficTableModel *m_model;
    TrafficFilterProxy *m_proxy;
    Core::SessionTreeModel *m_sessionModel;
    QString m_baseUrl;

    QLineEdit *m_filter = nullptr;
    QComboBox *m_statusFilter = nullptr;
    QComboBox *m_clientFilter = nullptr;
    QSpinBox *m_capacity = nullptr;
    QToolButton *m_export = nullptr;
    QToolButton *m_clear = nullptr;
    QSplitter *m_splitter = nullptr;
    QTableView *m_table = nullptr;
    SessionsView *m_sessions = nullptr;
    QTabWidget *m_views = nullptr; // the exchange table and the Sessions view
    QTabWidget *m_detail = nullptr;
    QPlainTextEdit *m_requestView = nullptr;
    QPlainTextEdit *m_responseView = nullptr;
    QSplitter *m_timelineSplitter = nullptr;
    QTreeWidget *m_timeline = nullptr;
    QPlainTextEdit *m_assembledView = nullptr;
    QPlainTextEdit *m_upstreamView = nullptr;
    QTreeWidget *m_diff = nullptr;
    QCheckBox *m_diffChangesOnly = nullptr;

    QAction *m_copyCurlAction = nullptr;
    QAction *m_openInPlaygroundAction = nullptr;
    QAction *m_exportSelectedHarAction = nullptr;

    // The exchange the detail shows, and what of it is already on screen: a live stream refreshes
    // ten times a second, and only what grew is redrawn.
    quint64 m_shownId = 0;
    QString m_shownDiffKey;
    // Requests do not change once sent (a retry counts as a new upstream request), and indenting a
    // large one ten times a second would be the refresh's main cost.
    QString m_clientRequestText;
    QString m_upstreamRequestText;
    int m_upstreamRequestAttempts = -1;
    QHash<QPlainTextEdit *, QString> m_shownText;
    QTimer m_refreshTimer;
    // The table scrolls to each new row while it was at the bottom with nothing selected.
    bool m_atBottom = true;
};

} // namespace Switchboard::Ui
