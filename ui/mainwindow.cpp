// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_status(new QLabel(tr("Starting the server…"), this))
    , m_baseUrl(new QLineEdit(this))
    , m_copy(new QPushButton(tr("Copy base URL"), this))
{
    setWindowTitle(tr("Switchboard"));
    resize(720, 240);

    m_status->setObjectName(u"serverStatus"_s);
    m_status->setWordWrap(true);
    m_baseUrl->setObjectName(u"baseUrl"_s);
    m_baseUrl->setReadOnly(true);
    m_baseUrl->setAccessibleName(tr("Base URL"));
    m_baseUrl->setToolTip(tr("Point Anthropic SDKs and tools (ANTHROPIC_BASE_URL) here"));
    m_copy->setObjectName(u"copyBaseUrl"_s);
    m_copy->setEnabled(false);
    m_copy->setToolTip(tr("Copy the base URL to the clipboard"));
    connect(m_copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_baseUrl->text()); });

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_status);
    auto *row = new QHBoxLayout;
    row->addWidget(m_baseUrl, 1);
    row->addWidget(m_copy);
    layout->addLayout(row);
    layout->addStretch(1);
    setCentralWidget(central);
}

MainWindow::~MainWindow() = default;

void MainWindow::showListening(const QUrl &baseUrl)
{
    m_status->setText(tr("Serving the Anthropic Messages API. Use this base URL with the official SDKs, curl "
                         "or Claude Code:"));
    m_baseUrl->setText(baseUrl.toString());
    m_copy->setEnabled(true);
    statusBar()->showMessage(tr("Listening on %1").arg(baseUrl.toString()));
}

void MainWindow::showServerError(const QString &message)
{
    m_status->setText(tr("The server could not start: %1").arg(message));
    statusBar()->showMessage(tr("Server stopped"));
}

} // namespace Switchboard::Ui
