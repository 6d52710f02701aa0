// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QFrame>

class QLabel;
class QToolButton;

namespace Switchboard::Ui {

class WrappedLabel;

// A fenced code block inside a reply: monospace on the palette's alternate base, with its language
// and a copy button.
class CodeBlockWidget final : public QFrame
{
    Q_OBJECT

public:
    explicit CodeBlockWidget(QWidget *parent = nullptr);

    void setCode(const QString &code, const QString &language);
    QString code() const { return m_code; }

private:
    QLabel *m_language;
    QToolButton *m_copy;
    WrappedLabel *m_text;
    QString m_code;
};

} // namespace Switchboard::Ui
