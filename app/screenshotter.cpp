// SPDX-License-Identifier: MIT
#include "screenshotter.h"

#include "chat/chatsession.h"
#include "inspectorpanel.h"
#include "mainwindow.h"
#include "server/servercontroller.h"
#include "traffic/traffictablemodel.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtGui/QPixmap>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>

namespace Switchboard::App {

using namespace Qt::StringLiterals;

namespace {

const auto Prompt =
    u"Say exactly: Here is one way to reverse a string in Python:\n\n```python\ndef reverse(text: str) -> str:\n"
    u"    return text[::-1]\n```\n\nThe slice walks the string from the end with a step of -1."_s;

} // namespace

Screenshotter::Screenshotter(Ui::MainWindow &window, Core::ChatSession &session, Core::ServerController &server,
                             QString path)
    : QObject(&window)
    , m_window(window)
    , m_session(session)
    , m_path(std::move(path))
{
    connect(&server, &Core::ServerController::stateChanged, this, [this](auto state) {
        if (state == Core::ServerController::State::Listening && !m_asked) {
            // Let the window lay itself out and list the models first.
            QTimer::singleShot(300, this, &Screenshotter::ask);
        }
    });
    connect(&session, &Core::ChatSession::busyChanged, this, [this](bool busy) {
        if (!busy && m_asked) {
            QTimer::singleShot(500, this, &Screenshotter::capture); // the last frame and the inspector's refresh
        }
    });
    // Never hang a script: give up after a while.
    QTimer::singleShot(30'000, this, [] {
        QTextStream(stderr) << "switchboard: --screenshot timed out" << Qt::endl;
        QApplication::exit(1);
    });
}

void Screenshotter::ask()
{
    m_asked = true;
    m_window.resize(1360, 980);
    Core::ChatSettings settings = m_session.settings();
    settings.model = u"claude-sonnet-4-5"_s;
    settings.temperature = 0.7;
    settings.maxTokens = 1024;
    settings.system = u"You are a concise coding assistant."_s;
    m_session.setSettings(settings);
    m_session.send(Prompt);
}

void Screenshotter::capture()
{
    // The chat's exchange, selected, so the inspector shows its timeline.
    if (auto *table = m_window.inspector()->findChild<QTableView *>(u"inspectorTable"_s)) {
        for (int row = table->model()->rowCount() - 1; row >= 0; --row) {
            if (table->model()->index(row, Core::TrafficTableModel::PathColumn).data().toString() ==
                u"/v1/messages"_s) {
                table->selectRow(row);
                break;
            }
        }
    }
    // The timeline is what the inspector is for.
    if (auto *detail = m_window.inspector()->findChild<QTabWidget *>(u"inspectorDetail"_s)) {
        detail->setCurrentIndex(2);
    }
    QApplication::processEvents();
    const QFileInfo file(m_path);
    const QString inspectorPath = file.dir().filePath(file.completeBaseName() + u"-inspector."_s +
                                                      (file.suffix().isEmpty() ? u"png"_s : file.suffix()));
    const bool saved = m_window.grab().save(m_path) && m_window.inspector()->grab().save(inspectorPath);
    if (!saved) {
        QTextStream(stderr) << "switchboard: cannot write " << m_path << Qt::endl;
    }
    m_exitCode = saved ? 0 : 1;
    QApplication::exit(m_exitCode);
}

} // namespace Switchboard::App
