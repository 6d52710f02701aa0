// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QDialog>

class QTabWidget;

namespace Switchboard::Ui {

// The current conversation and parameters as curl, Python SDK and TypeScript SDK code against the
// local endpoint, each with a copy button.
class GetCodeDialog final : public QDialog
{
    Q_OBJECT

public:
    GetCodeDialog(const QString &curl, const QString &python, const QString &typeScript, QWidget *parent = nullptr);

private:
    void addTab(const QString &objectName, const QString &title, const QString &code);

    QTabWidget *m_tabs;
};

} // namespace Switchboard::Ui
