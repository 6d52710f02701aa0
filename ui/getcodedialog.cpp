// SPDX-License-Identifier: MIT
#include "getcodedialog.h"

#include <QtGui/QClipboard>
#include <QtGui/QFontDatabase>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

GetCodeDialog::GetCodeDialog(const QString &curl, const QString &python, const QString &typeScript, QWidget *parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
{
    setObjectName(u"getCodeDialog"_s);
    setWindowTitle(tr("Get code"));
    resize(760, 520);
    m_tabs->setObjectName(u"getCodeTabs"_s);
    addTab(u"codeCurl"_s, tr("curl"), curl);
    addTab(u"codePython"_s, tr("Python SDK"), python);
    addTab(u"codeTypeScript"_s, tr("TypeScript SDK"), typeScript);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(u"copyCodeSnippet"_s);
    copy->setToolTip(tr("Copy the code in the open tab"));
    connect(copy, &QPushButton::clicked, this, [this] {
        if (auto *view = qobject_cast<QPlainTextEdit *>(m_tabs->currentWidget())) {
            QGuiApplication::clipboard()->setText(view->toPlainText());
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
}

void GetCodeDialog::addTab(const QString &objectName, const QString &title, const QString &code)
{
    auto *view = new QPlainTextEdit(code, m_tabs);
    view->setObjectName(objectName);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setAccessibleName(title);
    m_tabs->addTab(view, title);
}

} // namespace Switchboard::Ui
