// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QToolButton;

namespace Switchboard::Ui {

// A reply's thinking, collapsed by default to one line ("Thinking (N words)") above the answer:
// the answer is what people read, the reasoning what they check now and then.
class ThinkingView final : public QWidget
{
    Q_OBJECT

public:
    explicit ThinkingView(QWidget *parent = nullptr);

    void setThinking(const QString &thinking);
    QString thinking() const { return m_thinking; }
    bool isExpanded() const;
    void setExpanded(bool expanded);

private:
    void updateToggle();

    QString m_thinking;
    QToolButton *m_toggle;
    QLabel *m_text;
};

} // namespace Switchboard::Ui
