// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtWidgets/QFrame>

#include <optional>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Switchboard::Ui {

// A tool call in a reply: the tool's name and its input, and a field to answer it with a
// tool_result (or mark the answer an error). Once answered, the answer shows read-only.
class ToolUseCard final : public QFrame
{
    Q_OBJECT

public:
    explicit ToolUseCard(const Core::ChatToolUse &use, QWidget *parent = nullptr);

    const Core::ChatToolUse &toolUse() const { return m_use; }
    // The answer sent for this call, or none yet. `answerable`: it can be answered now (it belongs
    // to the newest reply and nothing is under way).
    void setState(const std::optional<Core::ChatToolResult> &answer, bool answerable);
    // A quiet line under the card: why it waits (the reply's other calls are not answered yet) or
    // why it cannot be answered. While a note shows, the card's answer is not sent again.
    void setNote(const QString &note);

Q_SIGNALS:
    void submitted(const Core::ChatToolResult &result);

private:
    Core::ChatToolUse m_use;
    QLabel *m_title;
    QLabel *m_input;
    QPlainTextEdit *m_answer;
    QCheckBox *m_isError;
    QPushButton *m_send;
    QLabel *m_note;
    QLabel *m_result;
};

} // namespace Switchboard::Ui
