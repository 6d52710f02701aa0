// SPDX-License-Identifier: MIT
#include "toolseditor.h"

#include "chat/tooldefinitions.h"
#include "palettecolors.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

namespace {

// tool_choice as the API writes it; a specific tool is {"type":"tool","name":…}.
QString choiceJson(const QString &type, const QString &name = {})
{
    if (type.isEmpty()) {
        return {};
    }
    return name.isEmpty() ? u"{\"type\":\"%1\"}"_s.arg(type) : u"{\"type\":\"tool\",\"name\":\"%1\"}"_s.arg(name);
}

const char *Example = R"([
  {
    "name": "get_weather",
    "description": "The current weather in a city",
    "input_schema": {
      "type": "object",
      "properties": {"city": {"type": "string"}},
      "required": ["city"]
    }
  }
])";

} // namespace

ToolsEditor::ToolsEditor(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_error(new QLabel(this))
    , m_choice(new QComboBox(this))
{
    setObjectName(u"toolsPanel"_s);
    m_edit->setObjectName(u"toolsEditor"_s);
    m_edit->setAccessibleName(tr("Tool definitions"));
    m_edit->setToolTip(tr("The tools array as JSON: objects with a name, a description and an input_schema. "
                          "Empty sends no tools."));
    m_edit->setPlaceholderText(QString::fromUtf8(Example));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setTabChangesFocus(true);
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setMinimumHeight(140);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &ToolsEditor::validate);

    m_error->setObjectName(u"toolsError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = m_error->palette();
    palette.setColor(QPalette::WindowText, PaletteColors::errorHue());
    m_error->setPalette(palette);
    m_error->hide();

    m_choice->setObjectName(u"toolChoice"_s);
    m_choice->setAccessibleName(tr("Tool choice"));
    m_choice->setToolTip(tr("tool_choice: whether the model may, must or must not call a tool, or which one"));
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_loading) {
            Q_EMIT changed();
        }
    });
    fillChoices({}, false);

    auto *choiceRow = new QFormLayout;
    choiceRow->setContentsMargins(0, 0, 0, 0);
    choiceRow->addRow(tr("tool_choice"), m_choice);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    layout->addLayout(choiceRow);
}

void ToolsEditor::load(const QString &toolsJson, const QString &toolChoice)
{
    m_loading = true;
    if (toolsJson != m_valid) {
        m_edit->setPlainText(toolsJson);
    }
    m_valid = Core::ToolDefinitions::problem(toolsJson).isEmpty() ? toolsJson : QString();
    fillChoices(toolChoice, true);
    m_loading = false;
}

void ToolsEditor::fillChoices(const QString &select, bool keepUnknown)
{
    const QSignalBlocker block(m_choice);
    m_choice->clear();
    m_choice->addItem(tr("auto (default)"), QString());
    m_choice->addItem(tr("any: must call a tool"), choiceJson(u"any"_s));
    m_choice->addItem(tr("none: must not"), choiceJson(u"none"_s));
    const QStringList names = Core::ToolDefinitions::names(m_valid);
    for (const QString &name : names) {
        m_choice->addItem(tr("tool: %1").arg(name), choiceJson(u"tool"_s, name));
    }
    int index = m_choice->findData(select);
    if (index < 0 && keepUnknown && !select.isEmpty() && !names.isEmpty()) {
        // A choice this list does not offer (an imported one with disable_parallel_tool_use) is kept.
        m_choice->addItem(tr("as written: %1").arg(select), select);
        index = m_choice->count() - 1;
    }
    m_choice->setCurrentIndex(index < 0 ? 0 : index);
}

QString ToolsEditor::toolChoice() const
{
    return m_choice->currentData().toString();
}

bool ToolsEditor::isValid() const
{
    return m_error->isHidden();
}

QString ToolsEditor::error() const
{
    return m_error->text();
}

void ToolsEditor::validate()
{
    const QString text = m_edit->toPlainText();
    const QString problem = Core::ToolDefinitions::problem(text);
    m_error->setText(problem.isEmpty() ? QString()
                                       : tr("%1 (not applied; the last valid tools stay in use)").arg(problem));
    m_error->setVisible(!problem.isEmpty());
    m_edit->setAccessibleDescription(problem);
    if (!problem.isEmpty() || m_loading) {
        return;
    }
    const QString normalised = text.trimmed().isEmpty() ? QString() : text;
    if (normalised == m_valid) {
        return;
    }
    const QString choice = toolChoice();
    m_valid = normalised;
    fillChoices(choice, false); // a tool no longer defined falls back to auto
    Q_EMIT changed();
}

} // namespace Switchboard::Ui
