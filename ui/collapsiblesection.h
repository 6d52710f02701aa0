// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QToolButton;

namespace Switchboard::Ui {

// A titled part of a panel that folds away to its title, so rarely used settings (tools) do not
// push the common ones out of sight.
class CollapsibleSection final : public QWidget
{
    Q_OBJECT

public:
    // `toggleName` is the toggle's objectName (tests and accessibility find it by that).
    CollapsibleSection(const QString &title, const QString &toggleName, QWidget *content, QWidget *parent = nullptr);

    bool isExpanded() const;
    void setExpanded(bool expanded);
    QToolButton *toggle() const { return m_toggle; }

private:
    QToolButton *m_toggle;
    QWidget *m_content;
};

} // namespace Switchboard::Ui
