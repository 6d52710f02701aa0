// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace Switchboard::Core {
class ServerController;
}

namespace Switchboard::Ui {

// The embedded server: its state, address and figures; a new address restarts it, and a port that
// is taken says so.
class ServerDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ServerDialog(Core::ServerController &server, QWidget *parent = nullptr);

Q_SIGNALS:
    void addressChosen(const QString &host, quint16 port);

private:
    void refresh();
    void apply();

    Core::ServerController &m_server;
    QLabel *m_state;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QPushButton *m_apply;
    QLineEdit *m_baseUrl;
    QPushButton *m_copy;
    QLabel *m_connections;
    QLabel *m_requests;
};

} // namespace Switchboard::Ui
