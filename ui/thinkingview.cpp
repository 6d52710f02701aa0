// SPDX-License-Identifier: MIT
#include "thinkingview.h"

#include <QtCore/QRegularExpression>
#include <QtWidgets/QLabel>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

ThinkingView::ThinkingView(QWidget *parent)
    : QWidget(parent)
    , m_toggle(new QToolButton(this))
    , m_text(new QLabel(this))
{
    setObjectName(u"thinkingView"_s);
    m_toggle->setObjectName(u"thinkingToggle"_s);
    m_toggle->setCheckable(true);
    m_toggle->setAutoRaise(true);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toggle->setArrowType(Qt::RightArrow);
    m_toggle->setAccessibleName(tr("Show thinking"));
    m_toggle->setToolTip(tr("Show or hide the reasoning the model wrote before its answer"));
    m_toggle->setForegroundRole(QPalette::PlaceholderText);
    connect(m_toggle, &QToolButton::toggled, this, &ThinkingView::setExpanded);

    m_text->setObjectName(u"messageThinking"_s);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setForegroundRole(QPalette::PlaceholderText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_text->setAccessibleName(tr("Thinking"));
    m_text->setContentsMargins(18, 0, 0, 4); // indented under the toggle's arrow
    m_text->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toggle, 0, Qt::AlignLeft);
    layout->addWidget(m_text);
    hide();
}

void ThinkingView::setThinking(const QString &thinking)
{
    if (thinking == m_thinking) {
        return;
    }
    m_thinking = thinking;
    setVisible(!thinking.isEmpty());
    if (m_text->isVisible()) {
        m_text->setText(thinking);
    }
    updateToggle();
}

bool ThinkingView::isExpanded() const
{
    return m_toggle->isChecked();
}

void ThinkingView::setExpanded(bool expanded)
{
    if (m_toggle->isChecked() != expanded) {
        m_toggle->setChecked(expanded); // comes back here through toggled()
        return;
    }
    // The text is set only while shown: a collapsed view costs nothing per streamed token.
    if (expanded) {
        m_text->setText(m_thinking);
    }
    m_text->setVisible(expanded);
    m_toggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    m_toggle->setAccessibleName(expanded ? tr("Hide thinking") : tr("Show thinking"));
}

void ThinkingView::updateToggle()
{
    static const QRegularExpression space(u"\\s+"_s);
    const qsizetype words = m_thinking.split(space, Qt::SkipEmptyParts).size();
    m_toggle->setText(words == 1 ? tr("Thinking (1 word)") : tr("Thinking (%1 words)").arg(words));
}

} // namespace Switchboard::Ui
