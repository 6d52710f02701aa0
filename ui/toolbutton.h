// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QToolButton>

namespace Switchboard::Ui {

// A small text button with the names every interactive widget carries here: an objectName for
// tests, and the tooltip doubling as its accessible name.
inline QToolButton *makeToolButton(QWidget *parent, const QString &objectName, const QString &text, const QString &tip)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(tip);
    button->setAccessibleName(tip);
    return button;
}

} // namespace Switchboard::Ui
