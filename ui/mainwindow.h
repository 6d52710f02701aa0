// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QMainWindow>

class QAction;
class QSettings;
class QSplitter;
class QToolButton;

namespace Switchboard::Core {
class ChatSession;
class ServerController;
class TrafficLog;
} // namespace Switchboard::Core

namespace Switchboard::Ui {

class ChatPanel;
class ConversationSidebar;
class InspectorPanel;
class ParametersPanel;

// The playground: conversations | chat | parameters on top, the traffic inspector below, and the
// server's state in the toolbar. Sizes and splitters are remembered.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(Core::ChatSession &session, Core::ServerController &server, Core::TrafficLog &traffic,
               QSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    ChatPanel *chat() const { return m_chat; }
    InspectorPanel *inspector() const { return m_inspector; }
    ParametersPanel *parameters() const { return m_parameters; }
    void showServerDialog();
    void setInspectorDetached(bool detached);
    // Switchboard's own key, just generated: shown once, with where it is kept.
    void showNewApiKey(const QByteArray &key, const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onServerState();
    void updateStatusText();
    void saveLayout();
    void restoreLayout();
    void addShortcuts();

    Core::ChatSession &m_session;
    Core::ServerController &m_server;
    QSettings &m_settings;
    ConversationSidebar *m_sidebar;
    ChatPanel *m_chat;
    ParametersPanel *m_parameters;
    InspectorPanel *m_inspector;
    QSplitter *m_top;
    QSplitter *m_main;
    QToolButton *m_status;
    QAction *m_detach = nullptr;
    QWidget *m_inspectorWindow = nullptr; // while the inspector is detached
};

} // namespace Switchboard::Ui
