// SPDX-License-Identifier: MIT
#include "collapsiblesection.h"

#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

CollapsibleSection::CollapsibleSection(const QString &title, const QString &toggleName, QWidget *content,
                                       QWidget *parent)
    : QWidget(parent)
    , m_toggle(new QToolButton(this))
    , m_content(content)
{
    m_toggle->setObjectName(toggleName);
    m_toggle->setText(title);
    m_toggle->setCheckable(true);
    m_toggle->setAutoRaise(true);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toggle->setArrowType(Qt::RightArrow);
    m_toggle->setAccessibleName(title);
    m_toggle->setToolTip(tr("Show or hide %1").arg(title));
    QFont font = m_toggle->font();
    font.setBold(true);
    m_toggle->setFont(font);
    connect(m_toggle, &QToolButton::toggled, this, &CollapsibleSection::setExpanded);

    content->setParent(this);
    content->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_toggle, 0, Qt::AlignLeft);
    layout->addWidget(content);
}

bool CollapsibleSection::isExpanded() const
{
    return m_toggle->isChecked();
}

void CollapsibleSection::setExpanded(bool expanded)
{
    if (m_toggle->isChecked() != expanded) {
        m_toggle->setChecked(expanded);
        return;
    }
    m_content->setVisible(expanded);
    m_toggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
}

} // namespace Switchboard::Ui
