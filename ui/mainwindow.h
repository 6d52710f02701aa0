// SPDX-License-Identifier: MIT
#pragma once

#include "routing/localserverprobe.h"

#include <QtWidgets/QMainWindow>

class QAction;
#include <functional>

class QSettings;
class QSplitter;
class QToolButton;

namespace Switchboard::Core {
struct GatewayConfig;
class ChatSession;
class SecretStore;
class ServerController;
class TrafficLog;
} // namespace Switchboard::Core

namespace Switchboard::Ui {

class BackendsDialog;
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
    // Returns an error to show, or nothing: the app's access rules for a config about to run.
    using PrepareConfig = std::function<QString(Core::GatewayConfig &config)>;

    MainWindow(Core::ChatSession &session, Core::ServerController &server, Core::TrafficLog &traffic,
               QSettings &settings, Core::SecretStore &secrets, QWidget *parent = nullptr);
    ~MainWindow() override;

    ChatPanel *chat() const { return m_chat; }
    InspectorPanel *inspector() const { return m_inspector; }
    ParametersPanel *parameters() const { return m_parameters; }
    void showServerDialog();
    void setInspectorDetached(bool detached);
    // Switchboard's own key, just generated: shown once, with where it is kept.
    void showNewApiKey(const QByteArray &key, const QString &path);
    // Opens "Manage backends…" (window-modal, returns at once).
    BackendsDialog *showBackendsDialog();
    void setPrepareConfig(PrepareConfig prepare) { m_prepare = std::move(prepare); }
    // First start: probes the usual local servers and, if any answer, offers them in a bar above
    // the window's panes; the simulator serves meanwhile. The offer is remembered (gateway/probed).
    void offerLocalServers(
        std::vector<Core::LocalServerProbe::Candidate> candidates = Core::LocalServerProbe::usualServers());

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onServerState();
    void updateStatusText();
    void saveLayout();
    void restoreLayout();
    void addShortcuts();
    void showLocalServers(const std::vector<Core::LocalServerProbe::Found> &found);
    void useLocalServer(const Core::LocalServerProbe::Found &server);
    void applyConfig(Core::GatewayConfig config);

    Core::ChatSession &m_session;
    Core::ServerController &m_server;
    QSettings &m_settings;
    Core::SecretStore &m_secrets;
    PrepareConfig m_prepare;
    Core::LocalServerProbe *m_probe = nullptr;
    QWidget *m_localServersBar = nullptr;
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
