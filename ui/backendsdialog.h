// SPDX-License-Identifier: MIT
#pragma once

#include "routing/gatewayconfig.h"
#include "routing/localserverprobe.h"

#include <QtWidgets/QDialog>

#include <functional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSettings;
class QTableWidget;
class QToolButton;

namespace Switchboard::Core {
class SecretStore;
class ServerController;
} // namespace Switchboard::Core

namespace Switchboard::Ui {

// "Manage backends…": the backends the server routes to (OpenAI-compatible, Anthropic
// pass-through, simulator), their keys, a connection test, local-server detection and the model
// routes. OK saves everything to the shared settings (keys to the secret store, never in the
// settings' config text) and restarts the server with it.
class BackendsDialog final : public QDialog
{
    Q_OBJECT

public:
    // Returns an error to show, or nothing: lets the app apply its access rules (Switchboard's own
    // key when a backend holds credentials) to a config before it runs.
    using Prepare = std::function<QString(Core::GatewayConfig &config)>;

    BackendsDialog(Core::ServerController &server, Core::SecretStore &secrets, QSettings &settings,
                   QWidget *parent = nullptr);
    ~BackendsDialog() override;

    void setPrepare(Prepare prepare) { m_prepare = std::move(prepare); }
    void setProbeCandidates(std::vector<Core::LocalServerProbe::Candidate> candidates);

    // The backends and routes as edited so far, keys included.
    Core::GatewayConfig editedConfig();

    void accept() override;

Q_SIGNALS:
    // After OK: the config is saved and the server restarting; `notice` says where keys went when
    // that is worth telling (the keychain failed).
    void applied(const QString &notice);

private:
    struct Entry
    {
        Core::BackendConfig backend; // apiKey: the key that will be saved, never shown
        QByteArray storedKey;        // what an empty key field stands for
    };

    QToolButton *toolButton(const QString &objectName, const QString &text, const QString &tip);
    void addBackend(Core::BackendConfig backend);
    void removeBackend();
    void selectBackend(int row);
    void loadEditor();
    void storeEditor();
    void renameBackend(const QString &name);
    void updateEditorState();
    void testConnection();
    void detectLocalServers();
    void offerFound(const std::vector<Core::LocalServerProbe::Found> &found);
    void renderRoutes();
    void addRoute();
    void removeRoute();
    void moveRoute(int delta);
    QStringList backendNames() const;
    QString uniqueName(const QString &base) const;
    QString validate(const Core::GatewayConfig &config) const;
    void apply(Core::GatewayConfig config);
    void finishApply(Core::GatewayConfig config, const QStringList &errors);

    Core::ServerController &m_server;
    Core::SecretStore &m_secrets;
    QSettings &m_settings;
    Prepare m_prepare;
    std::vector<Entry> m_entries;
    std::vector<Core::RouteConfig> m_routes;
    QStringList m_namesAtOpen;
    int m_current = -1;
    bool m_loading = false;
    quint64 m_testGeneration = 0;
    Core::LocalServerProbe *m_probe;

    QListWidget *m_list;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QLineEdit *m_url;
    QComboBox *m_systemMessages; // how mid-conversation system messages reach a Chat Completions server
    QCheckBox *m_mergeTurns;
    QLineEdit *m_key;
    QToolButton *m_showKey;
    QToolButton *m_forgetKey;
    QLabel *m_keyLocation;
    QPushButton *m_test;
    QLabel *m_testResult;
    QPushButton *m_detect;
    QLabel *m_detectResult;
    QTableWidget *m_routesTable;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace Switchboard::Ui
