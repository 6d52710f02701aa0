// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

#include <optional>

class QCheckBox;
class QLabel;
class QSpinBox;

namespace Switchboard::Ui {

// Extended thinking: a switch and its budget_tokens. The API wants a budget of at least 1024 and
// below max_tokens; the spin box keeps to that range and says so when max_tokens leaves no room.
class ThinkingSettings final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int MinBudget = 1024;

    explicit ThinkingSettings(QWidget *parent = nullptr);

    void load(std::optional<int> budget, int maxTokens);
    void setMaxTokens(int maxTokens);
    // Unset when thinking is off.
    std::optional<int> budget() const;

Q_SIGNALS:
    void changed();
    // Thinking was switched on with max_tokens too small for any budget: the panel should raise it.
    void maxTokensNeeded(int maxTokens);

private:
    void updateRange();

    QCheckBox *m_set;
    QSpinBox *m_budget;
    QLabel *m_hint;
    int m_maxTokens = 1024;
    bool m_loading = false;
};

} // namespace Switchboard::Ui
