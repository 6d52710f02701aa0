// SPDX-License-Identifier: MIT
#include "inspectorpanel.h"

#include "palettecolors.h"
#include "sessionsview.h"
#include "statustintdelegate.h"
#include "traffic/bodyformat.h"
#include "traffic/requestdiff.h"
#include "traffic/sessiontreemodel.h"
#include "traffic/trafficexport.h"
#include "traffic/trafficlog.h"
#include "traffic/traffictablemodel.h"
#include "trafficfilterproxy.h"

#include <QtCore/QDataStream>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QSaveFile>
#include <QtGui/QAction>
#include <QtGui/QClipboard>
#include <QtGui/QFontDatabase>
#include <QtGui/QGuiApplication>
#include <QtGui/QTextCursor>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Core::CapturedMessage;
using Core::ExchangeRecord;
using Core::RequestDiffRow;
using Core::TrafficTableModel;

namespace {

constexpr int RefreshIntervalMs = 100;
constexpr qsizetype PreviewLength = 160;
constexpr quint32 StateVersion = 1;
constexpr int DiffKindRole = Qt::UserRole + 1;

enum TimelineColumn
{
    OffsetColumn,
    GapColumn,
    EventColumn,
    DataColumn,
};

enum DiffColumn
{
    FieldColumn,
    ClientValueColumn,
    UpstreamValueColumn,
};

void describe(QWidget *widget, const QString &objectName, const QString &accessibleName, const QString &toolTip)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    widget->setToolTip(toolTip);
}

QString formatMessage(const CapturedMessage &message)
{
    QString text = QString::fromUtf8(message.startLine) + u'\n';
    for (const auto &[name, value] : message.headers.fields()) {
        text += QString::fromUtf8(name) + u": "_s + QString::fromUtf8(value) + u'\n';
    }
    if (!message.body.isEmpty()) {
        text += u'\n' + Core::BodyFormat::prettyBody(message.body, message.headers);
    }
    if (message.truncated) {
        text += u"\n\n"_s + InspectorPanel::tr("[body truncated: only the first %1 MiB were recorded]")
                                .arg(CapturedMessage::BodyLimit / (1024 * 1024));
    }
    return text;
}

QString milliseconds(qint64 us)
{
    return QString::number(us / 1000.0, 'f', 3);
}

QString preview(const QByteArray &data)
{
    QString text = QString::fromUtf8(data.left(PreviewLength * 4)).simplified();
    if (text.size() > PreviewLength) {
        text = text.left(PreviewLength - 1) + u'…';
    }
    return text;
}

QString diffPrefix(RequestDiffRow::Kind kind)
{
    switch (kind) {
    case RequestDiffRow::Kind::Same:
        return u"  "_s;
    case RequestDiffRow::Kind::Rewritten:
        return u"~ "_s;
    case RequestDiffRow::Kind::Dropped:
        return u"− "_s;
    case RequestDiffRow::Kind::Added:
        return u"+ "_s;
    }
    return {};
}

QString diffDescription(RequestDiffRow::Kind kind)
{
    switch (kind) {
    case RequestDiffRow::Kind::Same:
        return InspectorPanel::tr("Same on both sides");
    case RequestDiffRow::Kind::Rewritten:
        return InspectorPanel::tr("Rewritten: the backend was sent a different value");
    case RequestDiffRow::Kind::Dropped:
        return InspectorPanel::tr("Dropped: the backend never saw this field");
    case RequestDiffRow::Kind::Added:
        return InspectorPanel::tr("Added: only in the request sent upstream");
    }
    return {};
}

QString elided(const QString &value)
{
    constexpr qsizetype Limit = 2000;
    return value.size() > Limit ? value.left(Limit) + u'…' : value;
}

} // namespace

InspectorPanel::InspectorPanel(Core::TrafficLog &log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_model(new TrafficTableModel(log, this))
    , m_proxy(new TrafficFilterProxy(this))
    , m_sessionModel(new Core::SessionTreeModel(log, this))
{
    m_proxy->setSourceModel(m_model);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(RefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &InspectorPanel::refreshDetail);

    buildActions();
    buildFilterRow();
    buildTable();
    buildViews();
    buildDetail();

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(u"inspectorSplitter"_s);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_views);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    // Proportions until the first layout: the size hints alone leave the table a few rows.
    m_splitter->setSizes({400, 600});

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_statusFilter);
    filters->addWidget(m_clientFilter);
    filters->addSpacing(12);
    filters->addWidget(m_capacity);
    filters->addWidget(m_export);
    filters->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_splitter, 1);

    connect(&log, &Core::TrafficLog::exchangeChanged, this, &InspectorPanel::onExchangeChanged);
    connect(&log, &Core::TrafficLog::cleared, this, [this] {
        resetClientFilter();
        clearDetail({});
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { addClientsFrom(first, last); });
    addClientsFrom(0, m_model->rowCount() - 1);
    clearDetail({});
}

InspectorPanel::~InspectorPanel() = default;

void InspectorPanel::buildActions()
{
    m_copyCurlAction = new QAction(tr("Copy as curl"), this);
    m_copyCurlAction->setObjectName(u"inspectorCopyCurl"_s);
    m_copyCurlAction->setToolTip(tr("Copy the client's request as a curl command; the key becomes $ANTHROPIC_API_KEY"));
    connect(m_copyCurlAction, &QAction::triggered, this, &InspectorPanel::copyCurl);

    m_openInPlaygroundAction = new QAction(tr("Open in playground"), this);
    m_openInPlaygroundAction->setObjectName(u"inspectorOpenInPlayground"_s);
    m_openInPlaygroundAction->setToolTip(tr("Load this request into the playground to edit and resend it"));
    connect(m_openInPlaygroundAction, &QAction::triggered, this, &InspectorPanel::openCurrentInPlayground);

    m_exportSelectedHarAction = new QAction(tr("Export selected as HAR…"), this);
    m_exportSelectedHarAction->setObjectName(u"inspectorExportSelectedHar"_s);
    m_exportSelectedHarAction->setToolTip(tr("Save the selected exchanges, both legs, as a HAR file"));
    connect(m_exportSelectedHarAction, &QAction::triggered, this, [this] { exportInteractively(Format::Har, true); });
}

void InspectorPanel::buildFilterRow()
{
    m_filter = new QLineEdit(this);
    describe(m_filter, u"inspectorFilter"_s, tr("Filter exchanges"),
             tr("Show only exchanges whose path, model, backend, status, client, request id or user agent "
                "contains this text (any case)"));
    m_filter->setPlaceholderText(tr("Filter: path, model, status, client, request id…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &TrafficFilterProxy::setText);

    m_statusFilter = new QComboBox(this);
    describe(m_statusFilter, u"inspectorStatusFilter"_s, tr("Status filter"),
             tr("Show only exchanges of one status class"));
    m_statusFilter->addItem(tr("All statuses"), QString());
    m_statusFilter->addItem(u"2xx"_s, u"2xx"_s);
    m_statusFilter->addItem(u"4xx"_s, u"4xx"_s);
    m_statusFilter->addItem(u"5xx"_s, u"5xx"_s);
    m_statusFilter->addItem(tr("open"), u"open"_s);
    m_statusFilter->addItem(tr("client left"), u"gone"_s);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setStatusClass(m_statusFilter->currentData().toString()); });

    m_clientFilter = new QComboBox(this);
    describe(m_clientFilter, u"inspectorClientFilter"_s, tr("Client filter"),
             tr("Show only exchanges from one client address"));
    m_clientFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_clientFilter->addItem(tr("All clients"), QString());
    connect(m_clientFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setClient(m_clientFilter->currentData().toString()); });

    m_capacity = new QSpinBox(this);
    describe(m_capacity, u"inspectorCapacity"_s, tr("Exchanges kept"),
             tr("How many exchanges the inspector keeps in memory; the oldest leave first"));
    m_capacity->setRange(1, 100'000);
    m_capacity->setSingleStep(100);
    m_capacity->setPrefix(tr("Keep "));
    m_capacity->setValue(m_log.capacity());
    // Typing "1000" must not pass through a capacity of 1 and drop all but one exchange.
    m_capacity->setKeyboardTracking(false);
    connect(m_capacity, &QSpinBox::valueChanged, this, [this](int capacity) { m_log.setCapacity(capacity); });
    // Settings or another view may resize the ring too.
    connect(&m_log, &Core::TrafficLog::capacityChanged, m_capacity, [this](int capacity) {
        const QSignalBlocker blocker(m_capacity);
        m_capacity->setValue(capacity);
    });

    m_export = new QToolButton(this);
    describe(m_export, u"inspectorExport"_s, tr("Export"),
             tr("Save every exchange as HAR (opens in browser devtools); the arrow offers JSON lines and the "
                "selected exchanges only. Keys stay redacted"));
    m_export->setText(tr("Export"));
    // A split button: InstantPopup draws its arrow over the text, and "all as HAR" is the usual
    // bug-report bundle anyway.
    m_export->setPopupMode(QToolButton::MenuButtonPopup);
    connect(m_export, &QToolButton::clicked, this, [this] { exportInteractively(Format::Har, false); });
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *menu = new QMenu(m_export);
    menu->setObjectName(u"inspectorExportMenu"_s);
    const auto addExport = [this, menu](const QString &text, const QString &name, Format format, bool selected) {
        QAction *action = menu->addAction(text);
        action->setObjectName(name);
        connect(action, &QAction::triggered, this, [this, format, selected] { exportInteractively(format, selected); });
    };
    addExport(tr("HAR, all exchanges…"), u"inspectorExportHarAll"_s, Format::Har, false);
    addExport(tr("HAR, selected exchanges…"), u"inspectorExportHarSelected"_s, Format::Har, true);
    menu->addSeparator();
    addExport(tr("JSON lines, all exchanges…"), u"inspectorExportJsonlAll"_s, Format::JsonLines, false);
    addExport(tr("JSON lines, selected exchanges…"), u"inspectorExportJsonlSelected"_s, Format::JsonLines, true);
    m_export->setMenu(menu);

    m_clear = new QToolButton(this);
    describe(m_clear, u"inspectorClear"_s, tr("Clear"), tr("Forget every recorded exchange"));
    m_clear->setText(tr("Clear"));
    connect(m_clear, &QToolButton::clicked, this, [this] { m_log.clear(); });
}

void InspectorPanel::buildTable()
{
    m_table = new QTableView(this);
    describe(m_table, u"inspectorTable"_s, tr("Exchanges"),
             tr("Requests through Switchboard, newest last. Right-click for curl, playground and export"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new StatusTintDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);

    QHeaderView *rows = m_table->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_table->fontMetrics().height() + 8);

    // Widths from sample contents: measuring every row (ResizeToContents) would cost per update.
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setHighlightSections(false);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QFontMetrics metrics = m_table->fontMetrics();
    const auto widthOf = [&](int column, const QString &sample) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        return std::max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 24;
    };
    columns->resizeSection(TrafficTableModel::TimeColumn, widthOf(TrafficTableModel::TimeColumn, u"00:00:00.000"_s));
    columns->resizeSection(TrafficTableModel::ClientColumn,
                           widthOf(TrafficTableModel::ClientColumn, u"192.168.100.200:54012"_s));
    columns->resizeSection(TrafficTableModel::MethodColumn, widthOf(TrafficTableModel::MethodColumn, u"DELETE"_s));
    columns->resizeSection(TrafficTableModel::PathColumn, widthOf(TrafficTableModel::PathColumn, u"/v1/messages"_s));
    columns->resizeSection(TrafficTableModel::ModelColumn,
                           widthOf(TrafficTableModel::ModelColumn, u"claude-sonnet-4-5"_s));
    columns->resizeSection(TrafficTableModel::BackendColumn,
                           widthOf(TrafficTableModel::BackendColumn, u"llama-local"_s));
    columns->resizeSection(TrafficTableModel::StatusColumn,
                           widthOf(TrafficTableModel::StatusColumn, u"200 (client left)"_s));
    columns->resizeSection(TrafficTableModel::FirstByteColumn,
                           widthOf(TrafficTableModel::FirstByteColumn, u"999 ms"_s));
    columns->resizeSection(TrafficTableModel::DurationColumn, widthOf(TrafficTableModel::DurationColumn, u"9999 ms"_s));
    columns->resizeSection(TrafficTableModel::TokensColumn,
                           widthOf(TrafficTableModel::TokensColumn, u"12345 → 12345"_s));
    // The path takes what is left, so the table fills the panel at any width.
    columns->setSectionResizeMode(TrafficTableModel::PathColumn, QHeaderView::Stretch);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &InspectorPanel::onCurrentChanged);
    QScrollBar *bar = m_table->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { m_atBottom = value >= bar->maximum(); });
    connect(bar, &QScrollBar::rangeChanged, this, &InspectorPanel::followNewest);
    connect(m_table, &QTableView::customContextMenuRequested, this, &InspectorPanel::showContextMenu);
}

void InspectorPanel::buildViews()
{
    m_sessions = new SessionsView(*m_sessionModel, this);
    connect(m_sessions, &SessionsView::exchangeSelected, this, &InspectorPanel::selectExchange);
    m_views = new QTabWidget(this);
    describe(m_views, u"inspectorViews"_s, tr("Traffic views"),
             tr("Every exchange in order, or the agent sessions they make up"));
    m_views->setDocumentMode(true);
    m_views->addTab(m_table, tr("&Exchanges"));
    m_views->addTab(m_sessions, tr("&Sessions"));
}

void InspectorPanel::selectExchange(quint64 id)
{
    const int row = m_model->rowOf(id);
    const QModelIndex index = row < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        return; // left the ring, or filtered out of the table
    }
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void InspectorPanel::buildDetail()
{
    const QFont monospace = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const auto makeView = [this, &monospace](const QString &name, const QString &accessible, const QString &tip) {
        auto *view = new QPlainTextEdit(this);
        describe(view, name, accessible, tip);
        view->setReadOnly(true);
        view->setUndoRedoEnabled(false);
        view->setFont(monospace);
        view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
        view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        return view;
    };

    m_detail = new QTabWidget(this);
    describe(m_detail, u"inspectorDetail"_s, tr("Exchange details"), tr("The selected exchange, updated live"));
    m_detail->setDocumentMode(true);

    m_requestView = makeView(u"inspectorRequestView"_s, tr("Client request"),
                             tr("The request as the client sent it: start line, headers and body (keys redacted)"));
    m_responseView = makeView(u"inspectorResponseView"_s, tr("Client response"),
                              tr("The response Switchboard sent the client, as on the wire"));

    m_timeline = new QTreeWidget(this);
    describe(m_timeline, u"inspectorTimeline"_s, tr("SSE timeline"),
             tr("Each server-sent event the client received, with its time since the request arrived and the "
                "gap since the event before"));
    m_timeline->setColumnCount(4);
    m_timeline->setHeaderLabels({tr("Offset (ms)"), tr("Gap (ms)"), tr("Event"), tr("Data")});
    m_timeline->setRootIsDecorated(false);
    m_timeline->setUniformRowHeights(true); // streams reach thousands of events
    m_timeline->setAlternatingRowColors(true);
    m_timeline->setFont(monospace);
    m_timeline->setSelectionMode(QAbstractItemView::ExtendedSelection);
    const QFontMetrics mono(monospace);
    m_timeline->header()->resizeSection(OffsetColumn, mono.horizontalAdvance(u"+00000.000"_s) + 24);
    m_timeline->header()->resizeSection(GapColumn, mono.horizontalAdvance(u"+0000.000"_s) + 24);
    m_timeline->header()->resizeSection(EventColumn, mono.horizontalAdvance(u"content_block_delta"_s) + 24);
    m_assembledView = makeView(u"inspectorAssembled"_s, tr("Assembled message"),
                               tr("The text the stream delivered, put together from its deltas"));
    m_assembledView->setFont(QFont());
    m_timelineSplitter = new QSplitter(Qt::Vertical, this);
    m_timelineSplitter->setObjectName(u"inspectorTimelineSplitter"_s);
    m_timelineSplitter->setChildrenCollapsible(false);
    m_timelineSplitter->addWidget(m_timeline);
    auto *assembledPage = new QWidget(this);
    auto *assembledLabel = new QLabel(tr("Assembled message"), assembledPage);
    assembledLabel->setBuddy(m_assembledView);
    auto *assembledLayout = new QVBoxLayout(assembledPage);
    assembledLayout->setContentsMargins(0, 4, 0, 0);
    assembledLayout->setSpacing(2);
    assembledLayout->addWidget(assembledLabel);
    assembledLayout->addWidget(m_assembledView, 1);
    m_timelineSplitter->addWidget(assembledPage);
    m_timelineSplitter->setStretchFactor(0, 3);
    m_timelineSplitter->setStretchFactor(1, 2);
    m_timelineSplitter->setSizes({600, 400});

    m_upstreamView = makeView(u"inspectorUpstreamView"_s, tr("Upstream leg"),
                              tr("What Switchboard sent the backend and what came back, raw"));

    auto *diffPage = new QWidget(this);
    m_diffChangesOnly = new QCheckBox(tr("Changes only"), diffPage);
    describe(m_diffChangesOnly, u"inspectorDiffChangesOnly"_s, tr("Show changes only"),
             tr("Hide the fields the backend received unchanged"));
    m_diffChangesOnly->setChecked(true);
    connect(m_diffChangesOnly, &QCheckBox::toggled, this, &InspectorPanel::applyDiffFilter);
    m_diff = new QTreeWidget(diffPage);
    describe(m_diff, u"inspectorDiff"_s, tr("Request diff"),
             tr("The client's request against the one sent upstream, field by field: − dropped, ~ rewritten, "
                "+ added"));
    m_diff->setColumnCount(3);
    m_diff->setHeaderLabels({tr("Field"), tr("Client"), tr("Upstream")});
    m_diff->setRootIsDecorated(false);
    m_diff->setUniformRowHeights(true);
    m_diff->setAlternatingRowColors(true);
    m_diff->setFont(monospace);
    m_diff->header()->resizeSection(FieldColumn, mono.horizontalAdvance(u'x') * 34);
    m_diff->header()->resizeSection(ClientValueColumn, mono.horizontalAdvance(u'x') * 40);
    auto *diffLayout = new QVBoxLayout(diffPage);
    diffLayout->setContentsMargins(0, 4, 0, 0);
    diffLayout->addWidget(m_diffChangesOnly);
    diffLayout->addWidget(m_diff, 1);

    m_detail->addTab(m_requestView, tr("Request"));
    m_detail->addTab(m_responseView, tr("Response"));
    m_detail->addTab(m_timelineSplitter, tr("SSE timeline"));
    m_detail->addTab(m_upstreamView, tr("Upstream"));
    m_detail->addTab(diffPage, tr("Diff"));
    // The assembled text is built only while its tab shows; switching to it brings it up to date.
    connect(m_detail, &QTabWidget::currentChanged, this, [this] {
        if (m_shownId != 0) {
            refreshDetail();
        }
    });
}

void InspectorPanel::setBaseUrl(const QString &url)
{
    m_baseUrl = url;
}

void InspectorPanel::addClientsFrom(int firstRow, int lastRow)
{
    for (int row = firstRow; row <= lastRow; ++row) {
        const QString client = m_model->index(row, 0).data(TrafficTableModel::ClientRole).toString();
        if (!client.isEmpty() && m_clientFilter->findData(client) < 0) {
            m_clientFilter->addItem(client, client);
        }
    }
}

void InspectorPanel::resetClientFilter()
{
    const QSignalBlocker blocker(m_clientFilter);
    m_clientFilter->clear();
    m_clientFilter->addItem(tr("All clients"), QString());
    m_proxy->setClient({});
}

void InspectorPanel::followNewest()
{
    if (m_atBottom && !m_table->selectionModel()->hasSelection()) {
        QScrollBar *bar = m_table->verticalScrollBar();
        bar->setValue(bar->maximum());
    }
}

QList<quint64> InspectorPanel::selectedIds() const
{
    QList<quint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        ids.append(index.data(TrafficTableModel::ExchangeIdRole).toULongLong());
    }
    std::sort(ids.begin(), ids.end()); // the log's order, whatever order they were clicked in
    return ids;
}

quint64 InspectorPanel::currentId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(TrafficTableModel::ExchangeIdRole).toULongLong() : 0;
}

void InspectorPanel::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (!index.isValid()) {
        return;
    }
    if (!m_table->selectionModel()->isRowSelected(index.row(), {})) {
        m_table->selectionModel()->setCurrentIndex(index,
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    QMenu menu(this);
    menu.addAction(m_copyCurlAction);
    menu.addAction(m_openInPlaygroundAction);
    menu.addSeparator();
    menu.addAction(m_exportSelectedHarAction);
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

bool InspectorPanel::exportTo(const QString &path, Format format, bool selectedOnly)
{
    QList<ExchangeRecord> records;
    for (const quint64 id : selectedOnly ? selectedIds() : m_log.ids()) {
        if (auto record = m_log.record(id)) {
            records.append(std::move(*record));
        }
    }
    if (records.isEmpty()) {
        return false;
    }
    const QByteArray bytes =
        format == Format::Har ? Core::TrafficExport::har(records) : Core::TrafficExport::jsonLines(records);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    file.write(bytes);
    return file.commit();
}

void InspectorPanel::exportInteractively(Format format, bool selectedOnly)
{
    if (selectedOnly && !m_table->selectionModel()->hasSelection()) {
        QMessageBox::information(this, tr("Export"), tr("Select one or more exchanges first."));
        return;
    }
    const bool har = format == Format::Har;
    const QString name = u"switchboard-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s) +
                         (har ? u".har"_s : u".jsonl"_s);
    const QString filter = har ? tr("HTTP Archive (*.har)") : tr("JSON lines (*.jsonl)");
    const QString path = QFileDialog::getSaveFileName(this, har ? tr("Export as HAR") : tr("Export as JSON lines"),
                                                      QDir::home().filePath(name), filter);
    if (path.isEmpty()) {
        return;
    }
    if (!exportTo(path, format, selectedOnly)) {
        QMessageBox::warning(this, tr("Export"), tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
    }
}

void InspectorPanel::copyCurl()
{
    if (const auto record = m_log.record(currentId())) {
        QGuiApplication::clipboard()->setText(Core::TrafficExport::curl(*record, m_baseUrl));
    }
}

void InspectorPanel::openCurrentInPlayground()
{
    if (const auto record = m_log.record(currentId())) {
        Q_EMIT openInPlayground(record->clientRequest.body);
    }
}

void InspectorPanel::onCurrentChanged()
{
    const bool any = currentId() != 0;
    m_copyCurlAction->setEnabled(any);
    m_openInPlaygroundAction->setEnabled(any);
    m_exportSelectedHarAction->setEnabled(any);
    m_refreshTimer.stop();
    refreshDetail();
}

void InspectorPanel::onExchangeChanged(quint64 id)
{
    // At most one redraw per interval, however fast the stream.
    if (id == m_shownId && !m_refreshTimer.isActive()) {
        m_refreshTimer.start();
    }
}

void InspectorPanel::refreshDetail()
{
    const quint64 id = currentId();
    if (id == 0) {
        clearDetail({});
        return;
    }
    const auto record = m_log.record(id);
    if (!record) {
        clearDetail(tr("This exchange has left the ring. Raise the number of exchanges kept to see more history."));
        return;
    }
    const bool sameExchange = id == m_shownId;
    if (!sameExchange) {
        m_shownText.clear();
        m_shownDiffKey.clear();
        m_clientRequestText.clear();
        m_upstreamRequestAttempts = -1;
    }
    m_shownId = id;
    showRecord(*record, sameExchange);
}

void InspectorPanel::clearDetail(const QString &message)
{
    m_refreshTimer.stop();
    m_shownId = 0;
    m_shownText.clear();
    m_shownDiffKey.clear();
    m_clientRequestText.clear();
    m_upstreamRequestAttempts = -1;
    const QString text =
        message.isEmpty() ? tr("Select an exchange to see its request, response and timeline.") : message;
    for (QPlainTextEdit *view : {m_requestView, m_responseView, m_upstreamView}) {
        view->setPlainText(text);
    }
    m_assembledView->clear();
    m_timeline->clear();
    m_diff->clear();
}

void InspectorPanel::setViewText(QPlainTextEdit *view, const QString &text)
{
    QString &shown = m_shownText[view];
    if (shown == text) {
        return;
    }
    QScrollBar *bar = view->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum();
    if (!shown.isEmpty() && text.startsWith(shown)) {
        // A stream grows at its end: append, so the reader's selection and position survive.
        QTextCursor cursor(view->document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(text.mid(shown.size()));
        if (atEnd) {
            bar->setValue(bar->maximum());
        }
    } else {
        const int position = bar->value();
        const bool sameExchange = !shown.isEmpty();
        view->setPlainText(text);
        if (sameExchange) {
            bar->setValue(position);
        }
    }
    shown = text;
}

void InspectorPanel::showRecord(const ExchangeRecord &record, bool sameExchange)
{
    if (m_clientRequestText.isEmpty()) {
        m_clientRequestText = formatMessage(record.clientRequest);
    }
    setViewText(m_requestView, m_clientRequestText);
    setViewText(m_responseView,
                record.clientResponse.present ? formatMessage(record.clientResponse) : tr("(no response yet)"));

    QString upstream;
    if (!record.upstreamRequest.present) {
        upstream = record.state == ExchangeRecord::State::Open
                       ? tr("No upstream request yet.")
                       : tr("No upstream request: Switchboard answered this itself (a simulated backend, a local "
                            "endpoint, or an error before the request was routed).");
    } else {
        upstream = tr("URL: %1").arg(record.upstreamUrl) + u'\n' +
                   tr("Backend: %1").arg(QString::fromUtf8(record.backend)) + u'\n' +
                   tr("Attempts: %1").arg(record.upstreamAttempts) + u'\n';
        if (!record.upstreamError.isEmpty()) {
            upstream += tr("Error: %1").arg(record.upstreamError) + u'\n';
        }
        if (m_upstreamRequestAttempts != record.upstreamAttempts) {
            m_upstreamRequestText = formatMessage(record.upstreamRequest);
            m_upstreamRequestAttempts = record.upstreamAttempts;
        }
        upstream += u"\n── "_s + tr("Request sent upstream") + u" ──\n"_s + m_upstreamRequestText;
        upstream +=
            u"\n\n── "_s + tr("Backend response") + u" ──\n"_s +
            (record.upstreamResponse.present ? formatMessage(record.upstreamResponse) : tr("(no response yet)"));
    }
    setViewText(m_upstreamView, upstream);

    showTimeline(record, sameExchange);
    showDiff(record, sameExchange);
}

void InspectorPanel::showTimeline(const ExchangeRecord &record, bool sameExchange)
{
    const QList<Core::CapturedSseEvent> &events = record.clientResponse.events;
    if (!sameExchange || m_timeline->topLevelItemCount() > events.size()) {
        m_timeline->clear();
    }
    // Events only ever append, so only the new ones become rows.
    const int first = m_timeline->topLevelItemCount();
    if (first < events.size()) {
        QScrollBar *bar = m_timeline->verticalScrollBar();
        const bool atEnd = first == 0 || bar->value() >= bar->maximum();
        QList<QTreeWidgetItem *> items;
        items.reserve(events.size() - first);
        qint64 previous = first > 0 ? events.at(first - 1).offsetUs : 0;
        for (qsizetype i = first; i < events.size(); ++i) {
            const Core::CapturedSseEvent &event = events.at(i);
            auto *item = new QTreeWidgetItem;
            item->setText(OffsetColumn, u'+' + milliseconds(event.offsetUs));
            item->setText(GapColumn, i == 0 ? QString() : u'+' + milliseconds(event.offsetUs - previous));
            item->setText(EventColumn, QString::fromUtf8(event.name));
            item->setText(DataColumn, preview(event.data));
            item->setTextAlignment(OffsetColumn, Qt::AlignRight | Qt::AlignVCenter);
            item->setTextAlignment(GapColumn, Qt::AlignRight | Qt::AlignVCenter);
            previous = event.offsetUs;
            items.append(item);
        }
        m_timeline->addTopLevelItems(items);
        if (atEnd && first > 0) {
            m_timeline->scrollToBottom();
        }
    }

    // Assembling parses every event; a long stream refreshing ten times a second would spend its
    // time here while nobody looks, so it waits for its tab.
    if (m_detail->currentWidget() != m_timelineSplitter) {
        m_shownText.remove(m_assembledView);
        return;
    }
    QString assembled;
    if (record.clientResponse.streaming) {
        assembled = Core::BodyFormat::assembledText(events);
        if (record.clientResponse.eventsTruncated) {
            assembled += u"\n\n"_s + tr("[only the first %1 events were recorded]").arg(CapturedMessage::EventLimit);
        }
    } else if (record.clientResponse.present) {
        assembled = tr("(not a streamed response: see the Response tab)");
    }
    setViewText(m_assembledView, assembled);
}

void InspectorPanel::showDiff(const ExchangeRecord &record, bool sameExchange)
{
    Q_UNUSED(sameExchange)
    // The requests are fixed once sent; only a retry or a new selection changes the diff.
    const QString key = QString::number(record.id) + u'/' + QString::number(record.upstreamAttempts) + u'/' +
                        QString::number(record.upstreamRequest.body.size());
    if (key == m_shownDiffKey) {
        return;
    }
    m_shownDiffKey = key;
    m_diff->clear();
    if (!record.upstreamRequest.present) {
        auto *item = new QTreeWidgetItem(m_diff);
        item->setText(FieldColumn, tr("(no upstream request to compare)"));
        item->setData(FieldColumn, DiffKindRole, int(RequestDiffRow::Kind::Added));
        return;
    }
    const QPalette palette = m_diff->palette();
    QList<QTreeWidgetItem *> items;
    for (const RequestDiffRow &row :
         Core::RequestDiff::compare(record.clientRequest.body, record.upstreamRequest.body)) {
        auto *item = new QTreeWidgetItem;
        item->setText(FieldColumn, diffPrefix(row.kind) + row.path);
        item->setText(ClientValueColumn, elided(row.clientValue));
        item->setText(UpstreamValueColumn, elided(row.upstreamValue));
        item->setData(FieldColumn, DiffKindRole, int(row.kind));
        const QString description = diffDescription(row.kind);
        item->setToolTip(FieldColumn, description);
        item->setToolTip(ClientValueColumn, elided(row.clientValue));
        item->setToolTip(UpstreamValueColumn, elided(row.upstreamValue));
        QColor hue;
        switch (row.kind) {
        case RequestDiffRow::Kind::Dropped:
            hue = PaletteColors::errorHue();
            break;
        case RequestDiffRow::Kind::Rewritten:
            hue = PaletteColors::warningHue();
            break;
        case RequestDiffRow::Kind::Added:
            hue = PaletteColors::successHue();
            break;
        case RequestDiffRow::Kind::Same:
            break;
        }
        if (hue.isValid()) {
            for (int column = FieldColumn; column <= UpstreamValueColumn; ++column) {
                item->setForeground(column, PaletteColors::accentText(palette, hue));
            }
        }
        items.append(item);
    }
    m_diff->addTopLevelItems(items);
    applyDiffFilter();
}

void InspectorPanel::applyDiffFilter()
{
    const bool changesOnly = m_diffChangesOnly->isChecked();
    for (int i = 0; i < m_diff->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_diff->topLevelItem(i);
        item->setHidden(changesOnly &&
                        item->data(FieldColumn, DiffKindRole).toInt() == int(RequestDiffRow::Kind::Same));
    }
}

void InspectorPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The diff's colours are mixed from the palette when its rows are made; a theme switch remakes them.
    if (event->type() == QEvent::PaletteChange && m_shownId != 0) {
        m_shownDiffKey.clear();
        refreshDetail();
    }
}

QByteArray InspectorPanel::saveState() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << StateVersion << m_splitter->saveState() << m_timelineSplitter->saveState()
        << m_table->horizontalHeader()->saveState() << m_diff->header()->saveState() << m_sessions->saveState();
    return state;
}

void InspectorPanel::restoreState(const QByteArray &state)
{
    QDataStream in(state);
    quint32 version = 0;
    QByteArray splitter;
    QByteArray timelineSplitter;
    QByteArray tableHeader;
    QByteArray diffHeader;
    in >> version >> splitter >> timelineSplitter >> tableHeader >> diffHeader;
    if (in.status() != QDataStream::Ok || version != StateVersion) {
        return; // another version's layout: keep the defaults rather than half of it
    }
    m_splitter->restoreState(splitter);
    m_timelineSplitter->restoreState(timelineSplitter);
    m_table->horizontalHeader()->restoreState(tableHeader);
    m_diff->header()->restoreState(diffHeader);
    // Added after version 1 was saved: older states end before it.
    QByteArray sessions;
    in >> sessions;
    if (in.status() == QDataStream::Ok) {
        m_sessions->restoreState(sessions);
    }
}

} // namespace Switchboard::Ui
