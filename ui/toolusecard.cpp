// SPDX-License-Identifier: MIT
#include "toolusecard.h"

#include "chat/tooldefinitions.h"
#include "palettecolors.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

ToolUseCard::ToolUseCard(const Core::ChatToolUse &use, QWidget *parent)
    : QFrame(parent)
    , m_use(use)
    , m_title(new QLabel(this))
    , m_input(new QLabel(this))
    , m_answer(new QPlainTextEdit(this))
    , m_isError(new QCheckBox(tr("Is an error"), this))
    , m_send(new QPushButton(tr("Send result"), this))
    , m_note(new QLabel(this))
    , m_result(new QLabel(this))
{
    setObjectName(u"toolUseCard"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);
    setAccessibleName(tr("Tool call %1").arg(use.name));

    m_title->setObjectName(u"toolUseName"_s);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setText(tr("Tool call: %1").arg(use.name));
    m_title->setToolTip(tr("Call %1").arg(use.id));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_input->setObjectName(u"toolUseInput"_s);
    m_input->setFont(fixed);
    m_input->setTextFormat(Qt::PlainText);
    m_input->setWordWrap(true);
    m_input->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_input->setText(Core::ToolDefinitions::pretty(use.inputJson));
    m_input->setAccessibleName(tr("Input of %1").arg(use.name));

    m_answer->setObjectName(u"toolResultInput"_s);
    m_answer->setAccessibleName(tr("Result of %1").arg(use.name));
    m_answer->setToolTip(tr("What the tool returned, sent back as a tool_result"));
    m_answer->setPlaceholderText(tr("The tool's result…"));
    m_answer->setTabChangesFocus(true);
    m_answer->setFixedHeight(m_answer->fontMetrics().lineSpacing() * 3 + 12);

    m_isError->setObjectName(u"toolResultIsError"_s);
    m_isError->setAccessibleName(tr("The result is an error"));
    m_isError->setToolTip(tr("Send the result with is_error: the tool failed, and this is its error message"));

    m_send->setObjectName(u"sendToolResult"_s);
    m_send->setAccessibleName(tr("Send tool result"));
    m_send->setToolTip(tr("Send this result and let the model go on"));
    connect(m_send, &QPushButton::clicked, this, [this] {
        Q_EMIT submitted({m_use.id, m_answer->toPlainText(), m_isError->isChecked()});
    });

    m_note->setObjectName(u"toolUseNote"_s);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->setWordWrap(true);
    m_note->hide();

    m_result->setObjectName(u"toolResultView"_s);
    m_result->setFont(fixed);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_result->setContentsMargins(0, 6, 0, 0); // apart from the input above it
    m_result->hide();

    auto *answerRow = new QHBoxLayout;
    answerRow->setContentsMargins(0, 0, 0, 0);
    answerRow->addWidget(m_isError);
    answerRow->addStretch(1);
    answerRow->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_input);
    layout->addWidget(m_answer);
    layout->addLayout(answerRow);
    layout->addWidget(m_note);
    layout->addWidget(m_result);
}

void ToolUseCard::setState(const std::optional<Core::ChatToolResult> &answer, bool answerable)
{
    const bool open = !answer && answerable;
    m_answer->setVisible(open);
    m_isError->setVisible(open);
    m_send->setVisible(open);
    if (open) {
        m_note->hide();
        m_send->setEnabled(true);
    }
    if (answer) {
        m_note->hide();
        m_result->setText((answer->isError ? tr("Error result:\n") : tr("Result:\n")) +
                          (answer->content.isEmpty() ? tr("(empty)") : answer->content));
        QPalette palette = this->palette();
        palette.setColor(QPalette::WindowText,
                         answer->isError ? PaletteColors::errorHue() : palette.color(QPalette::WindowText));
        m_result->setPalette(palette);
        m_result->show();
    } else {
        m_result->hide();
    }
}

void ToolUseCard::setNote(const QString &note)
{
    m_send->setEnabled(note.isEmpty());
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

} // namespace Switchboard::Ui
