// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QUrl>
#include <QtWidgets/QMainWindow>

class QLabel;
class QLineEdit;
class QPushButton;

namespace Switchboard::Ui {

// The main window. For now it shows where the server listens; the chat, parameters and traffic
// inspector arrive with the GUI work.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void showListening(const QUrl &baseUrl);
    void showServerError(const QString &message);

private:
    QLabel *m_status;
    QLineEdit *m_baseUrl;
    QPushButton *m_copy;
};

} // namespace Switchboard::Ui
