// SPDX-License-Identifier: MIT
#include "statustintdelegate.h"

#include "palettecolors.h"
#include "traffic/traffictablemodel.h"

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

void StatusTintDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QString statusClass = index.data(Core::TrafficTableModel::StatusClassRole).toString();
    if (statusClass == u"4xx" || statusClass == u"5xx") {
        option->backgroundBrush = PaletteColors::errorBackground(option->palette, statusClass == u"5xx");
    } else if (statusClass == u"open" || statusClass == u"gone") {
        const QColor muted = PaletteColors::mutedText(option->palette);
        option->palette.setColor(QPalette::Text, muted);
        option->font.setItalic(statusClass == u"gone");
    }
}

} // namespace Switchboard::Ui
