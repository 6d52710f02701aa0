// SPDX-License-Identifier: MIT
#include "sessionsview.h"

#include "palettecolors.h"
#include "sessionchart.h"
#include "traffic/sessiontreemodel.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStyledItemDelegate>
#include <QtWidgets/QTreeView>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Model = Core::SessionTreeModel;

namespace {

// A broken prefix reads as an error: the turn's row is tinted.
class BrokenPrefixDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(Model::BrokenPrefixRole).toBool()) {
            option->backgroundBrush = PaletteColors::errorBackground(option->palette, false);
        }
    }
};

} // namespace

SessionsView::SessionsView(Core::SessionTreeModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(u"sessionsView"_s);
    setAccessibleName(tr("Sessions"));

    m_tree = new QTreeView(this);
    m_tree->setObjectName(u"sessionsTree"_s);
    m_tree->setAccessibleName(tr("Agent sessions"));
    m_tree->setToolTip(tr("Requests grouped by agent session; a subagent is a branch of its own. Prefix says whether "
                          "the turn's prompt extended the previous turn's, so the backend could reuse its cache"));
    m_tree->setModel(&model);
    m_tree->setItemDelegate(new BrokenPrefixDelegate(m_tree));
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setExpandsOnDoubleClick(true);
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QFontMetrics metrics = m_tree->fontMetrics();
    const auto widthOf = [&](int column, const QString &sample) {
        const QString title = model.headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column,
                              std::max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 14);
    };
    // Narrow figures, so that Prefix (what this view is for) stays in sight.
    widthOf(Model::TurnColumn, u"Session 0bfc5bfb… (12 turns)"_s);
    header->resizeSection(Model::TurnColumn, header->sectionSize(Model::TurnColumn) + m_tree->indentation());
    widthOf(Model::TimeColumn, u"00:00:00"_s);
    widthOf(Model::ContextColumn, u"123456"_s);
    widthOf(Model::CachedColumn, u"123456"_s);
    widthOf(Model::EvaluatedColumn, u"123456"_s);
    widthOf(Model::PromptMsColumn, u"12345"_s);
    widthOf(Model::FirstTokenColumn, u"12345"_s);
    widthOf(Model::ToolsColumn, u"12"_s);
    header->setMinimumSectionSize(metrics.horizontalAdvance(u"Tools"_s) + 12);

    m_chart = new SessionChart(this);

    m_diagnosisLabel = new QLabel(tr("Prefix diagnosis"), this);
    m_diagnosis = new QPlainTextEdit(this);
    m_diagnosis->setObjectName(u"sessionsDiagnosis"_s);
    m_diagnosis->setAccessibleName(tr("Prefix diagnosis"));
    m_diagnosis->setToolTip(tr("For the selected turn: where its upstream prompt stopped extending the previous "
                               "turn's, and which change caused it"));
    m_diagnosis->setReadOnly(true);
    m_diagnosis->setUndoRedoEnabled(false);
    m_diagnosis->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diagnosis->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_diagnosis->setTabChangesFocus(true);
    m_diagnosisLabel->setBuddy(m_diagnosis);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->setSpacing(4);
    sideLayout->addWidget(m_chart, 2);
    sideLayout->addWidget(m_diagnosisLabel);
    sideLayout->addWidget(m_diagnosis, 3);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(u"sessionsSplitter"_s);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(side);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({800, 400});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &SessionsView::onCurrentChanged);
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (const quint64 id = index.data(Model::ExchangeIdRole).toULongLong()) {
            Q_EMIT exchangeSelected(id);
        }
    });
    // New sessions and branches open as they appear, so the turns are in sight.
    connect(&model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &under, int first, int last) {
        if (!under.isValid() || !under.parent().isValid()) {
            for (int row = first; row <= last; ++row) {
                m_tree->expand(m_model.index(row, 0, under));
            }
        }
        refreshCurrent();
    });
    connect(&model, &QAbstractItemModel::dataChanged, this, &SessionsView::refreshCurrent);
    connect(&model, &QAbstractItemModel::modelReset, this, &SessionsView::refreshCurrent);
    m_tree->expandAll();
    refreshCurrent();
}

void SessionsView::onCurrentChanged()
{
    refreshCurrent();
    if (const quint64 id = m_tree->currentIndex().data(Model::ExchangeIdRole).toULongLong()) {
        Q_EMIT exchangeSelected(id);
    }
}

void SessionsView::refreshCurrent()
{
    QModelIndex current = m_tree->currentIndex();
    if (!current.isValid() && m_model.rowCount() > 0) {
        current = m_model.index(m_model.rowCount() - 1, 0); // the newest session until one is chosen
    }
    m_chart->setPoints(m_model.turnPoints(current));
    const QString diagnosis = current.data(Model::DiagnosisRole).toString();
    const QString text = current.data(Model::ExchangeIdRole).toULongLong()
                             ? diagnosis
                             : tr("Select a turn to see whether its prompt extended the previous turn's.");
    if (m_diagnosis->toPlainText() != text) {
        m_diagnosis->setPlainText(text);
    }
}

QByteArray SessionsView::saveState() const
{
    return m_splitter->saveState();
}

void SessionsView::restoreState(const QByteArray &state)
{
    m_splitter->restoreState(state);
}

} // namespace Switchboard::Ui
