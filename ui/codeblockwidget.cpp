// SPDX-License-Identifier: MIT
#include "codeblockwidget.h"

#include "wrappedlabel.h"

#include <QtGui/QClipboard>
#include <QtGui/QFontDatabase>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

CodeBlockWidget::CodeBlockWidget(QWidget *parent)
    : QFrame(parent)
    , m_language(new QLabel(this))
    , m_copy(new QToolButton(this))
    , m_text(new WrappedLabel(this))
{
    setObjectName(u"codeBlock"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);

    m_language->setForegroundRole(QPalette::PlaceholderText);
    m_copy->setObjectName(u"copyCode"_s);
    m_copy->setText(tr("Copy"));
    m_copy->setAutoRaise(true);
    m_copy->setToolTip(tr("Copy this code to the clipboard"));
    m_copy->setAccessibleName(tr("Copy code"));
    connect(m_copy, &QToolButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_code);
        m_copy->setText(tr("Copied"));
    });

    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_language);
    header->addStretch(1);
    header->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 2, 8, 8);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_text);
}

void CodeBlockWidget::setCode(const QString &code, const QString &language)
{
    if (code == m_code && language == m_language->text()) {
        return;
    }
    m_code = code;
    m_language->setText(language);
    m_text->setContent(code, Qt::PlainText);
}

} // namespace Switchboard::Ui
