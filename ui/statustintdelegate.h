// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QStyledItemDelegate>

namespace Switchboard::Ui {

// Tints the inspector's rows by status class (Core::TrafficTableModel::StatusClassRole): failures
// get a reddish background, open and abandoned exchanges muted text. The colours come from the
// view's palette at paint time, so a theme switch (dark mode) applies without a model reset.
class StatusTintDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusTintDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Switchboard::Ui
