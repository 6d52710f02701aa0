// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QString>

namespace Switchboard::Core {
class ChatSession;
class ServerController;
} // namespace Switchboard::Core

namespace Switchboard::Ui {
class MainWindow;
}

namespace Switchboard::App {

// `--screenshot FILE`: once the server listens, asks the built-in simulator one question through
// the chat, waits for the streamed reply, saves the window and the inspector, and quits. This is
// how the README's pictures are refreshed.
class Screenshotter final : public QObject
{
    Q_OBJECT

public:
    Screenshotter(Ui::MainWindow &window, Core::ChatSession &session, Core::ServerController &server, QString path);

    int exitCode() const { return m_exitCode; }

private:
    void ask();
    void capture();

    Ui::MainWindow &m_window;
    Core::ChatSession &m_session;
    QString m_path;
    bool m_asked = false;
    int m_exitCode = 1;
};

} // namespace Switchboard::App
