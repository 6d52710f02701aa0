// SPDX-License-Identifier: MIT
#include "thinkingsettings.h"

#include "palettecolors.h"

#include <QtWidgets/QCheckBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

namespace {

constexpr int DefaultBudget = 2048;

} // namespace

ThinkingSettings::ThinkingSettings(QWidget *parent)
    : QWidget(parent)
    , m_set(new QCheckBox(tr("Thinking"), this))
    , m_budget(new QSpinBox(this))
    , m_hint(new QLabel(this))
{
    setObjectName(u"thinkingSettings"_s);
    m_set->setObjectName(u"thinkingSet"_s);
    m_set->setAccessibleName(tr("Extended thinking"));
    m_set->setToolTip(tr("Ask for extended thinking (thinking: {type: enabled}); unchecked sends none"));
    m_budget->setObjectName(u"thinkingBudget"_s);
    m_budget->setAccessibleName(tr("Thinking budget tokens"));
    m_budget->setToolTip(tr("budget_tokens: at least 1024, and less than max_tokens"));
    m_budget->setSuffix(tr(" tokens"));
    m_budget->setSingleStep(512);
    m_budget->setEnabled(false);
    m_hint->setObjectName(u"thinkingHint"_s);
    m_hint->setWordWrap(true);
    QPalette palette = m_hint->palette();
    palette.setColor(QPalette::WindowText, PaletteColors::errorHue());
    m_hint->setPalette(palette);
    m_hint->hide();

    connect(m_set, &QCheckBox::toggled, this, [this](bool on) {
        m_budget->setEnabled(on);
        if (on && !m_loading && m_maxTokens <= m_budget->value()) {
            Q_EMIT maxTokensNeeded(m_budget->value() + MinBudget);
        }
        updateRange();
        if (!m_loading) {
            Q_EMIT changed();
        }
    });
    connect(m_budget, &QSpinBox::valueChanged, this, [this] {
        updateRange();
        if (!m_loading) {
            Q_EMIT changed();
        }
    });

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_set);
    row->addWidget(m_budget, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_hint);
    m_budget->setRange(MinBudget, MinBudget);
    m_budget->setValue(DefaultBudget);
    updateRange();
}

void ThinkingSettings::load(std::optional<int> budget, int maxTokens)
{
    m_loading = true;
    m_maxTokens = maxTokens;
    m_budget->setMaximum(std::max({MinBudget, maxTokens - 1, budget.value_or(0)}));
    m_budget->setValue(budget.value_or(std::clamp(DefaultBudget, MinBudget, m_budget->maximum())));
    m_set->setChecked(budget.has_value());
    updateRange();
    m_loading = false;
}

void ThinkingSettings::setMaxTokens(int maxTokens)
{
    m_maxTokens = maxTokens;
    updateRange(); // the budget is kept; the hint says when it no longer fits
}

std::optional<int> ThinkingSettings::budget() const
{
    return m_set->isChecked() ? std::optional(m_budget->value()) : std::nullopt;
}

void ThinkingSettings::updateRange()
{
    // The budget must stay below max_tokens; a stored budget is kept as it is when it does not fit,
    // so the request shows the API's own complaint rather than a silently changed value.
    const int value = m_budget->value();
    m_budget->setMaximum(std::max({MinBudget, m_maxTokens - 1, value}));
    const bool fits = m_maxTokens > MinBudget && value < m_maxTokens;
    m_hint->setText(
        tr("budget_tokens must be at least 1024 and below max_tokens (%1): raise max_tokens").arg(m_maxTokens));
    m_hint->setVisible(m_set->isChecked() && !fits);
}

} // namespace Switchboard::Ui
