// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace Switchboard::Ui {

// The conversation's tool definitions as JSON, checked as they are typed, and tool_choice. Only
// valid definitions take effect: while the text does not parse, the error shows under it and the
// last valid tools stay in use (so a half-typed schema never reaches a request).
class ToolsEditor final : public QWidget
{
    Q_OBJECT

public:
    explicit ToolsEditor(QWidget *parent = nullptr);

    // Shows `toolsJson` and `toolChoice` unless they are already what this editor has in effect
    // (then text being typed is left alone).
    void load(const QString &toolsJson, const QString &toolChoice);
    // The tools in effect: the newest valid text, or empty for none.
    QString toolsJson() const { return m_valid; }
    // tool_choice as JSON, or empty for the API's default.
    QString toolChoice() const;
    bool isValid() const;
    QString error() const;

Q_SIGNALS:
    // The tools in effect or the tool choice changed.
    void changed();

private:
    void validate();
    // `keepUnknown`: a `select` the list does not offer is added as written (loading what was
    // saved or imported) rather than falling back to auto (a tool that was just removed).
    void fillChoices(const QString &select, bool keepUnknown);

    QPlainTextEdit *m_edit;
    QLabel *m_error;
    QComboBox *m_choice;
    QString m_valid;
    bool m_loading = false;
};

} // namespace Switchboard::Ui
