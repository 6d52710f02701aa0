// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "backendsdialog.h"
#include "chat/chatsession.h"
#include "chatpanel.h"
#include "client/messagesclient.h"
#include "conversationsidebar.h"
#include "inspectorpanel.h"
#include "parameterspanel.h"
#include "routing/savedgateway.h"
#include "server/servercontroller.h"
#include "serverdialog.h"

#include <QtCore/QSettings>
#include <QtGui/QAction>
#include <QtGui/QCloseEvent>
#include <QtWidgets/QFrame>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using State = Core::ServerController::State;

MainWindow::MainWindow(Core::ChatSession &session, Core::ServerController &server, Core::TrafficLog &traffic,
                       QSettings &settings, Core::SecretStore &secrets, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_server(server)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_sidebar(new ConversationSidebar(session, this))
    , m_chat(new ChatPanel(session, this))
    , m_parameters(new ParametersPanel(session, settings, this))
    , m_inspector(new InspectorPanel(traffic, this))
    , m_top(new QSplitter(Qt::Horizontal, this))
    , m_main(new QSplitter(Qt::Vertical, this))
    , m_status(new QToolButton(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Switchboard"));

    m_top->setObjectName(u"topSplitter"_s);
    m_top->addWidget(m_sidebar);
    m_top->addWidget(m_chat);
    m_top->addWidget(m_parameters);
    m_top->setStretchFactor(1, 1);
    m_top->setChildrenCollapsible(false);
    m_main->setObjectName(u"mainSplitter"_s);
    m_main->addWidget(m_top);
    m_main->addWidget(m_inspector);
    m_main->setStretchFactor(0, 3);
    m_main->setStretchFactor(1, 2);
    // A column, so that the first-start offer of local servers can sit above the panes.
    auto *central = new QWidget(this);
    central->setObjectName(u"central"_s);
    auto *column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_main, 1);
    setCentralWidget(central);

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(u"mainToolBar"_s);
    toolbar->setMovable(false);
    m_status->setObjectName(u"serverStatus"_s);
    m_status->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_status->setToolTip(tr("The embedded server; click for its address, figures and settings"));
    m_status->setAccessibleName(tr("Server status"));
    connect(m_status, &QToolButton::clicked, this, &MainWindow::showServerDialog);
    auto *backends = toolbar->addAction(tr("Backends…"));
    backends->setObjectName(u"backendsAction"_s);
    backends->setToolTip(tr("Manage backends: servers, keys and model routes"));
    connect(backends, &QAction::triggered, this, &MainWindow::showBackendsDialog);
    connect(m_parameters, &ParametersPanel::manageBackendsRequested, this, &MainWindow::showBackendsDialog);
    auto *spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *showInspector = toolbar->addAction(tr("Inspector"));
    showInspector->setObjectName(u"toggleInspector"_s);
    showInspector->setCheckable(true);
    showInspector->setChecked(true);
    showInspector->setToolTip(tr("Show or hide the traffic inspector"));
    connect(showInspector, &QAction::toggled, m_inspector, &QWidget::setVisible);
    auto *detach = toolbar->addAction(tr("Detach inspector"));
    detach->setObjectName(u"detachInspector"_s);
    detach->setCheckable(true);
    detach->setToolTip(tr("Move the inspector to its own window (for a second screen), or back"));
    connect(detach, &QAction::toggled, this, &MainWindow::setInspectorDetached);
    m_detach = detach;
    toolbar->addWidget(spacer);
    toolbar->addWidget(m_status);

    connect(&server, &Core::ServerController::stateChanged, this, &MainWindow::onServerState);
    connect(&server, &Core::ServerController::backendHealthChanged, this, [this](const QByteArray &backend, bool down) {
        updateStatusText();
        statusBar()->showMessage(down ? tr("Backend “%1” is down: its requests fail at once until it answers again")
                                            .arg(QString::fromUtf8(backend))
                                      : tr("Backend “%1” is back").arg(QString::fromUtf8(backend)),
                                 10000);
    });
    connect(&server, &Core::ServerController::apiKeyCreated, this, &MainWindow::showNewApiKey);
    connect(m_inspector, &InspectorPanel::openInPlayground, this, [this](const QByteArray &body) {
        if (m_session.importRequest(body) == 0) {
            statusBar()->showMessage(tr("That request has no messages to open"), 5000);
        }
    });
    addShortcuts();
    onServerState();
    restoreLayout();
}

MainWindow::~MainWindow()
{
    if (m_inspectorWindow) {
        m_main->addWidget(m_inspector); // the inspector is ours; its window goes alone
        delete m_inspectorWindow;
    }
}

void MainWindow::addShortcuts()
{
    const auto shortcut = [this](const QKeySequence &keys, const QString &name, auto slot) {
        auto *action = new QAction(name, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_N), tr("New conversation"), [this] {
        m_session.newConversation();
        m_chat->focusComposer();
    });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_L), tr("Focus the composer"), [this] { m_chat->focusComposer(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), tr("Copy the last reply"),
             [this] { m_chat->copyLastReply(); });
    shortcut(QKeySequence(Qt::Key_Escape), tr("Stop the reply"), [this] { m_session.stop(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), tr("Send"), [this] { m_chat->sendComposer(); });
}

void MainWindow::updateStatusText()
{
    QString text;
    switch (m_server.state()) {
    case State::Listening:
        text = tr("● Listening %1").arg(m_server.baseUrl().authority());
        break;
    case State::Starting:
        text = tr("○ Starting…");
        break;
    case State::Stopped:
        text = tr("○ Stopped");
        break;
    case State::Failed:
        text = tr("✕ Not running");
        break;
    }
    const QList<QByteArray> down = m_server.downBackends();
    if (!down.isEmpty()) {
        QStringList names;
        for (const QByteArray &name : down) {
            names << QString::fromUtf8(name);
        }
        text += tr(" · ⚠ down: %1").arg(names.join(u", "_s));
    }
    m_status->setText(text);
}

void MainWindow::onServerState()
{
    updateStatusText();
    const QUrl base = m_server.baseUrl();
    switch (m_server.state()) {
    case State::Listening:
        m_session.client().setBaseUrl(base);
        m_session.client().setApiKey(m_server.apiKey());
        m_inspector->setBaseUrl(base.toString());
        statusBar()->showMessage(tr("Serving the Anthropic Messages API at %1").arg(base.toString()));
        m_parameters->refreshModels();
        break;
    case State::Starting:
    case State::Stopped:
        break;
    case State::Failed:
        statusBar()->showMessage(tr("The server could not listen on %1:%2: %3")
                                     .arg(m_server.host().toString())
                                     .arg(m_server.requestedPort())
                                     .arg(m_server.errorString()));
        break;
    }
}

void MainWindow::showServerDialog()
{
    ServerDialog dialog(m_server, this);
    connect(&dialog, &ServerDialog::addressChosen, this, [this](const QString &host, quint16 port) {
        m_settings.setValue(u"server/host"_s, host);
        m_settings.setValue(u"server/port"_s, port);
    });
    dialog.exec();
}

void MainWindow::setInspectorDetached(bool detached)
{
    if (detached == (m_inspectorWindow != nullptr)) {
        return;
    }
    if (detached) {
        // A window of its own, for a second screen; closing it docks the inspector back.
        m_inspectorWindow = new QWidget(nullptr, Qt::Window);
        m_inspectorWindow->setObjectName(u"inspectorWindow"_s);
        m_inspectorWindow->setWindowTitle(tr("Switchboard — Inspector"));
        m_inspectorWindow->installEventFilter(this);
        auto *layout = new QVBoxLayout(m_inspectorWindow);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_inspector);
        m_inspector->show();
        m_inspectorWindow->resize(1000, 600);
        m_inspectorWindow->show();
    } else {
        // Back into the splitter before its window goes, which would otherwise take it along.
        m_main->addWidget(m_inspector);
        m_inspector->show();
        QWidget *window = std::exchange(m_inspectorWindow, nullptr);
        window->removeEventFilter(this);
        window->hide();
        window->deleteLater();
    }
    const QSignalBlocker block(m_detach);
    m_detach->setChecked(detached);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_inspectorWindow && event->type() == QEvent::Close) {
        setInspectorDetached(false);
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showNewApiKey(const QByteArray &key, const QString &path)
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("Switchboard's API key"),
                                tr("Clients must now send this key as x-api-key or Authorization: Bearer. It is "
                                   "shown once; it is kept in %1.")
                                    .arg(path),
                                QMessageBox::Ok, this);
    box->setObjectName(u"apiKeyNotice"_s);
    box->setInformativeText(QString::fromUtf8(key));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

BackendsDialog *MainWindow::showBackendsDialog()
{
    if (auto *open = findChild<BackendsDialog *>()) {
        open->raise();
        return open;
    }
    auto *dialog = new BackendsDialog(m_server, m_secrets, m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPrepare(m_prepare);
    connect(dialog, &BackendsDialog::applied, this, [this](const QString &notice) {
        if (m_localServersBar) {
            m_localServersBar->hide(); // the user chose; the offer is moot
        }
        statusBar()->showMessage(notice.isEmpty() ? tr("Backends saved; the server restarts with them") : notice,
                                 notice.isEmpty() ? 5000 : 0);
    });
    dialog->open();
    return dialog;
}

void MainWindow::offerLocalServers(std::vector<Core::LocalServerProbe::Candidate> candidates)
{
    if (!m_probe) {
        m_probe = new Core::LocalServerProbe(this);
        connect(m_probe, &Core::LocalServerProbe::finished, this, &MainWindow::showLocalServers);
    }
    m_probe->setCandidates(std::move(candidates));
    m_probe->start();
}

void MainWindow::showLocalServers(const std::vector<Core::LocalServerProbe::Found> &found)
{
    // Nothing answered: no offer was made, so the next start looks again (a server installed later).
    if (found.empty() || Core::SavedGateway::exists(m_settings)) {
        return;
    }
    m_settings.setValue(Core::SavedGateway::ProbedKey.toString(), true);
    delete m_localServersBar;
    auto *bar = new QFrame(centralWidget());
    m_localServersBar = bar;
    bar->setObjectName(u"localServersBar"_s);
    bar->setFrameShape(QFrame::StyledPanel);
    bar->setAutoFillBackground(true);
    bar->setBackgroundRole(QPalette::AlternateBase);
    auto *row = new QHBoxLayout(bar);
    auto *label = new QLabel(tr("The simulator is answering. Local model servers found:"), bar);
    label->setObjectName(u"localServersLabel"_s);
    row->addWidget(label);
    for (const auto &server : found) {
        auto *use = new QPushButton(
            tr("Use %1 at %2 (%3)")
                .arg(server.name, server.url.authority(),
                     server.models.size() == 1 ? tr("1 model") : tr("%1 models").arg(server.models.size())),
            bar);
        use->setObjectName(u"useLocalServer"_s);
        use->setAccessibleName(use->text());
        use->setToolTip(
            tr("Send every model to %1 at %2 and save it as a backend").arg(server.name, server.url.toString()));
        connect(use, &QPushButton::clicked, this, [this, server] { useLocalServer(server); });
        row->addWidget(use);
    }
    row->addStretch(1);
    auto *dismiss = new QPushButton(tr("Keep the simulator"), bar);
    dismiss->setObjectName(u"dismissLocalServers"_s);
    dismiss->setAccessibleName(dismiss->text());
    dismiss->setToolTip(tr("Hide this offer; backends can be added later from Backends…"));
    connect(dismiss, &QPushButton::clicked, bar, &QWidget::hide);
    row->addWidget(dismiss);
    static_cast<QVBoxLayout *>(centralWidget()->layout())->insertWidget(0, bar);
}

void MainWindow::useLocalServer(const Core::LocalServerProbe::Found &server)
{
    Core::BackendConfig backend;
    QString name = server.name.toLower();
    name.replace(u' ', u'-');
    backend.name = name.toUtf8();
    backend.kind = Core::BackendConfig::Kind::OpenAi;
    backend.url = server.url;
    auto config = Core::GatewayConfig::singleBackend(std::move(backend));
    Core::SavedGateway::save(m_settings, config);
    m_settings.sync();
    applyConfig(std::move(config));
    m_localServersBar->hide();
    statusBar()->showMessage(tr("Every model now goes to %1 at %2").arg(server.name, server.url.authority()), 5000);
}

void MainWindow::applyConfig(Core::GatewayConfig config)
{
    if (m_prepare) {
        if (const QString error = m_prepare(config); !error.isEmpty()) {
            statusBar()->showMessage(error);
            return;
        }
    } else {
        config.access = m_server.config().access;
    }
    m_server.setConfig(std::move(config));
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings.value(u"window/geometry"_s).toByteArray())) {
        resize(1280, 860);
    }
    if (!m_top->restoreState(m_settings.value(u"window/topSplitter"_s).toByteArray())) {
        m_top->setSizes({220, 760, 300});
    }
    if (!m_main->restoreState(m_settings.value(u"window/mainSplitter"_s).toByteArray())) {
        m_main->setSizes({540, 320});
    }
    m_inspector->restoreState(m_settings.value(u"window/inspector"_s).toByteArray());
}

void MainWindow::saveLayout()
{
    m_settings.setValue(u"window/geometry"_s, saveGeometry());
    m_settings.setValue(u"window/topSplitter"_s, m_top->saveState());
    m_settings.setValue(u"window/mainSplitter"_s, m_main->saveState());
    m_settings.setValue(u"window/inspector"_s, m_inspector->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    setInspectorDetached(false);
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace Switchboard::Ui
