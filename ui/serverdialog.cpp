// SPDX-License-Identifier: MIT
#include "serverdialog.h"

#include "server/servercontroller.h"

#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtNetwork/QHostAddress>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using State = Core::ServerController::State;

ServerDialog::ServerDialog(Core::ServerController &server, QWidget *parent)
    : QDialog(parent)
    , m_server(server)
    , m_state(new QLabel(this))
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_apply(new QPushButton(tr("Restart on this address"), this))
    , m_baseUrl(new QLineEdit(this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_connections(new QLabel(this))
    , m_requests(new QLabel(this))
{
    setObjectName(u"serverDialog"_s);
    setWindowTitle(tr("Server"));
    m_state->setObjectName(u"serverState"_s);
    m_state->setWordWrap(true);
    m_host->setObjectName(u"serverHost"_s);
    m_host->setToolTip(tr("The address to listen on: 127.0.0.1 for this machine only"));
    m_host->setAccessibleName(tr("Listen address"));
    m_port->setObjectName(u"serverPort"_s);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_port->setToolTip(tr("The port to listen on; 0 picks a free one"));
    m_port->setAccessibleName(tr("Port"));
    m_apply->setObjectName(u"serverApply"_s);
    m_apply->setToolTip(tr("Stop the server and start it on the address above"));
    m_baseUrl->setObjectName(u"serverBaseUrl"_s);
    m_baseUrl->setReadOnly(true);
    m_baseUrl->setToolTip(tr("Point Anthropic SDKs and tools (ANTHROPIC_BASE_URL) here"));
    m_baseUrl->setAccessibleName(tr("Base URL"));
    m_copy->setObjectName(u"copyBaseUrl"_s);
    m_copy->setToolTip(tr("Copy the base URL"));
    m_connections->setObjectName(u"serverConnections"_s);
    m_requests->setObjectName(u"serverRequests"_s);

    connect(m_apply, &QPushButton::clicked, this, &ServerDialog::apply);
    connect(m_copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_baseUrl->text()); });
    connect(&server, &Core::ServerController::stateChanged, this, &ServerDialog::refresh);
    connect(&server, &Core::ServerController::countsChanged, this, &ServerDialog::refresh);

    auto *form = new QFormLayout;
    form->addRow(tr("State"), m_state);
    form->addRow(tr("Address"), m_host);
    form->addRow(tr("Port"), m_port);
    form->addRow(QString(), m_apply);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_baseUrl, 1);
    urlRow->addWidget(m_copy);
    form->addRow(tr("Base URL"), urlRow);
    form->addRow(tr("Open connections"), m_connections);
    form->addRow(tr("Requests served"), m_requests);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    m_host->setText(server.host().toString());
    m_port->setValue(server.requestedPort());
    refresh();
}

void ServerDialog::refresh()
{
    switch (m_server.state()) {
    case State::Listening:
        m_state->setText(tr("Running"));
        break;
    case State::Starting:
        m_state->setText(tr("Starting…"));
        break;
    case State::Stopped:
        m_state->setText(tr("Stopped"));
        break;
    case State::Failed:
        m_state->setText(tr("Not running: cannot listen on %1:%2 (%3). Choose another port.")
                             .arg(m_server.host().toString())
                             .arg(m_server.requestedPort())
                             .arg(m_server.errorString()));
        break;
    }
    m_baseUrl->setText(m_server.state() == State::Listening ? m_server.baseUrl().toString() : QString());
    m_copy->setEnabled(m_server.state() == State::Listening);
    m_connections->setText(QString::number(m_server.openConnections()));
    m_requests->setText(QString::number(m_server.requestsServed()));
}

void ServerDialog::apply()
{
    QHostAddress host;
    if (!host.setAddress(m_host->text().trimmed())) {
        m_state->setText(tr("“%1” is not an IP address").arg(m_host->text()));
        return;
    }
    Q_EMIT addressChosen(host.toString(), quint16(m_port->value()));
    m_server.start(host, quint16(m_port->value()));
}

} // namespace Switchboard::Ui
