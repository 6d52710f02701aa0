// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QPlainTextEdit;
class QSplitter;
class QTreeView;

namespace Switchboard::Core {
class SessionTreeModel;
}

namespace Switchboard::Ui {

class SessionChart;

// The inspector's Sessions view: the agent sessions as a tree (session → branch → turn) with each
// turn's figures and prefix verdict, a chart of the selected branch's context, and the prefix
// doctor's diagnosis of the selected turn.
class SessionsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsView)

public:
    explicit SessionsView(Core::SessionTreeModel &model, QWidget *parent = nullptr);

    QByteArray saveState() const;
    void restoreState(const QByteArray &state);

Q_SIGNALS:
    // The current turn changed (or Enter on it): its exchange, for the exchange table.
    void exchangeSelected(quint64 id);

private:
    void onCurrentChanged();
    void refreshCurrent();

    Core::SessionTreeModel &m_model;
    QTreeView *m_tree = nullptr;
    SessionChart *m_chart = nullptr;
    QLabel *m_diagnosisLabel = nullptr;
    QPlainTextEdit *m_diagnosis = nullptr;
    QSplitter *m_splitter = nullptr;
};

} // namespace Switchboard::Ui
