// SPDX-License-Identifier: MIT
#include "backendsdialog.h"

#include "routing/backendcheck.h"
#include "routing/savedgateway.h"
#include "security/redactor.h"
#include "security/secretstore.h"
#include "server/servercontroller.h"
#include "toolbutton.h"

#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QSettings>
#include <QtGui/QAction>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDialogButtonBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QGroupBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMenu>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <memory>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Kind = Core::BackendConfig::Kind;

namespace {

enum RouteColumn
{
    PatternColumn,
    BackendColumn,
    UpstreamColumn,
};

QString kindLabel(Kind kind)
{
    switch (kind) {
    case Kind::OpenAi:
        return BackendsDialog::tr("OpenAI-compatible");
    case Kind::Anthropic:
        return BackendsDialog::tr("Anthropic pass-through");
    case Kind::Simulator:
        break;
    }
    return BackendsDialog::tr("Simulator");
}

// English plurals without a translation loaded (tr's %n would print "model(s)").
QString modelCount(qsizetype count)
{
    return count == 1 ? BackendsDialog::tr("1 model") : BackendsDialog::tr("%1 models").arg(count);
}

// "LM Studio" becomes "lm-studio": backend names end up in route tables and key names.
QString nameFor(const QString &label)
{
    QString name = label.toLower();
    name.replace(u' ', u'-');
    return name;
}

} // namespace

BackendsDialog::BackendsDialog(Core::ServerController &server, Core::SecretStore &secrets, QSettings &settings,
                               QWidget *parent)
    : QDialog(parent)
    , m_server(server)
    , m_secrets(secrets)
    , m_settings(settings)
    , m_probe(new Core::LocalServerProbe(this))
    , m_list(new QListWidget(this))
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_systemMessages(new QComboBox(this))
    , m_mergeTurns(new QCheckBox(tr("Join consecutive turns of one role"), this))
    , m_key(new QLineEdit(this))
    , m_showKey(toolButton(u"showKey"_s, tr("Show"), tr("Show or hide the key you are typing")))
    , m_forgetKey(toolButton(u"forgetKey"_s, tr("Forget"), tr("Remove this backend's stored key")))
    , m_keyLocation(new QLabel(this))
    , m_test(new QPushButton(tr("Test connection"), this))
    , m_testResult(new QLabel(this))
    , m_detect(new QPushButton(tr("Detect local servers"), this))
    , m_detectResult(new QLabel(this))
    , m_routesTable(new QTableWidget(0, 3, this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"backendsDialog"_s);
    setWindowTitle(tr("Backends"));
    setAccessibleName(tr("Backends"));

    m_list->setObjectName(u"backendsList"_s);
    m_list->setAccessibleName(tr("Backends"));
    m_list->setToolTip(tr("The backends the server can route models to"));
    connect(m_list, &QListWidget::currentRowChanged, this, &BackendsDialog::selectBackend);
    auto *add = toolButton(u"addBackend"_s, tr("+"), tr("Add a backend"));
    auto *remove = toolButton(u"removeBackend"_s, tr("−"), tr("Remove the selected backend"));
    connect(add, &QToolButton::clicked, this, [this] {
        Core::BackendConfig backend;
        backend.name = uniqueName(u"backend"_s).toUtf8();
        backend.kind = Kind::OpenAi;
        addBackend(std::move(backend));
        m_name->setFocus();
        m_name->selectAll();
    });
    connect(remove, &QToolButton::clicked, this, &BackendsDialog::removeBackend);

    m_name->setObjectName(u"backendName"_s);
    m_name->setAccessibleName(tr("Backend name"));
    m_name->setToolTip(tr("The name routes use for this backend"));
    connect(m_name, &QLineEdit::textEdited, this, &BackendsDialog::renameBackend);

    m_kind->setObjectName(u"backendKind"_s);
    m_kind->setAccessibleName(tr("Backend kind"));
    m_kind->setToolTip(tr("How Switchboard talks to it: translated to OpenAI Chat Completions, passed through "
                          "to an Anthropic-native server, or answered by the offline simulator"));
    for (const Kind kind : {Kind::OpenAi, Kind::Anthropic, Kind::Simulator}) {
        m_kind->addItem(kindLabel(kind), int(kind));
    }
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        storeEditor();
        updateEditorState();
    });

    m_url->setObjectName(u"backendUrl"_s);
    m_url->setAccessibleName(tr("Backend URL"));
    m_url->setToolTip(tr("The server's base URL, e.g. http://127.0.0.1:11434/v1 or https://api.anthropic.com"));
    connect(m_url, &QLineEdit::textEdited, this, &BackendsDialog::storeEditor);

    m_systemMessages->setObjectName(u"backendSystemMessages"_s);
    m_systemMessages->setAccessibleName(tr("Mid-conversation system messages"));
    m_systemMessages->setToolTip(
        tr("How a role: system message from the middle of a conversation (Claude Code's reminders) is sent. It "
           "always stays in place, so the server can keep its prompt cache. Many chat templates refuse a system "
           "message that is not the first: the user role works with all of them."));
    m_systemMessages->addItem(tr("As a user message (<system-reminder>)"), int(Core::SystemMessageRole::User));
    m_systemMessages->addItem(tr("As a system message"), int(Core::SystemMessageRole::System));
    m_systemMessages->addItem(tr("As a developer message"), int(Core::SystemMessageRole::Developer));
    connect(m_systemMessages, &QComboBox::currentIndexChanged, this, &BackendsDialog::storeEditor);
    m_mergeTurns->setObjectName(u"backendMergeTurns"_s);
    m_mergeTurns->setAccessibleName(tr("Join consecutive turns of one role"));
    m_mergeTurns->setToolTip(tr("For chat templates that demand strict user/assistant alternation. It costs prompt "
                                "cache: a joined turn changes when the next request adds to it."));
    connect(m_mergeTurns, &QCheckBox::toggled, this, &BackendsDialog::storeEditor);

    m_key->setObjectName(u"backendKey"_s);
    m_key->setAccessibleName(tr("Backend API key"));
    m_key->setToolTip(tr("The key sent to this backend. A stored key is never shown; typing replaces it."));
    m_key->setEchoMode(QLineEdit::Password);
    connect(m_key, &QLineEdit::textEdited, this, &BackendsDialog::storeEditor);
    m_showKey->setCheckable(true);
    connect(m_showKey, &QToolButton::toggled, this, [this](bool shown) {
        m_key->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        m_showKey->setText(shown ? tr("Hide") : tr("Show"));
    });
    connect(m_forgetKey, &QToolButton::clicked, this, [this] {
        if (m_current >= 0) {
            m_entries[size_t(m_current)].backend.apiKey.clear();
            m_entries[size_t(m_current)].storedKey.clear();
            loadEditor();
        }
    });
    m_keyLocation->setObjectName(u"keyLocation"_s);
    m_keyLocation->setWordWrap(true);

    m_test->setObjectName(u"testConnection"_s);
    m_test->setAccessibleName(tr("Test connection"));
    m_test->setToolTip(tr("Ask this backend for its models, with the URL and key above"));
    connect(m_test, &QPushButton::clicked, this, &BackendsDialog::testConnection);
    m_testResult->setObjectName(u"testResult"_s);
    m_testResult->setAccessibleName(tr("Connection test result"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_detect->setObjectName(u"detectLocalServers"_s);
    m_detect->setAccessibleName(tr("Detect local servers"));
    m_detect->setToolTip(tr("Look for Ollama, LM Studio, llama.cpp and vLLM on this machine and offer to add them"));
    connect(m_detect, &QPushButton::clicked, this, &BackendsDialog::detectLocalServers);
    connect(m_probe, &Core::LocalServerProbe::finished, this, &BackendsDialog::offerFound);
    m_detectResult->setObjectName(u"detectResult"_s);
    m_detectResult->setWordWrap(true);

    m_routesTable->setObjectName(u"routesTable"_s);
    m_routesTable->setAccessibleName(tr("Model routes"));
    m_routesTable->setToolTip(tr("Which backend serves a model name: the first matching pattern wins (* and ? are "
                                 "wildcards). An empty upstream model sends the client's name."));
    m_routesTable->setHorizontalHeaderLabels({tr("Model pattern"), tr("Backend"), tr("Upstream model")});
    m_routesTable->horizontalHeader()->setStretchLastSection(true);
    m_routesTable->verticalHeader()->setVisible(false);
    m_routesTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_routesTable->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_routesTable, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_loading || item->row() >= int(m_routes.size())) {
            return;
        }
        auto &route = m_routes[size_t(item->row())];
        (item->column() == PatternColumn ? route.pattern : route.upstreamModel) = item->text().trimmed().toUtf8();
    });
    auto *addRouteButton = toolButton(u"addRoute"_s, tr("+"), tr("Add a route"));
    auto *removeRouteButton = toolButton(u"removeRoute"_s, tr("−"), tr("Remove the selected route"));
    auto *up = toolButton(u"moveRouteUp"_s, tr("↑"), tr("Move the selected route up (earlier routes win)"));
    auto *down = toolButton(u"moveRouteDown"_s, tr("↓"), tr("Move the selected route down"));
    connect(addRouteButton, &QToolButton::clicked, this, &BackendsDialog::addRoute);
    connect(removeRouteButton, &QToolButton::clicked, this, &BackendsDialog::removeRoute);
    connect(up, &QToolButton::clicked, this, [this] { moveRoute(-1); });
    connect(down, &QToolButton::clicked, this, [this] { moveRoute(1); });

    m_error->setObjectName(u"backendsError"_s);
    m_error->setWordWrap(true);
    m_error->setForegroundRole(QPalette::BrightText);
    m_buttons->setObjectName(u"backendsButtons"_s);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(u"backendsOk"_s);
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(tr("Save the backends and routes and restart the server"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(u"backendsCancel"_s);
    m_buttons->button(QDialogButtonBox::Cancel)->setToolTip(tr("Close without changing anything"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &BackendsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &BackendsDialog::reject);

    // Layout: list | editor on top, routes below.
    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(remove);
    listButtons->addStretch(1);
    listColumn->addLayout(listButtons);
    listColumn->addWidget(m_detect);
    listColumn->addWidget(m_detectResult);

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("URL"), m_url);
    form->addRow(tr("System messages"), m_systemMessages);
    form->addRow(QString(), m_mergeTurns);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_showKey);
    keyRow->addWidget(m_forgetKey);
    form->addRow(tr("API key"), keyRow);
    form->addRow(QString(), m_keyLocation);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addStretch(1);
    form->addRow(QString(), testRow);
    form->addRow(QString(), m_testResult);
    auto *editor = new QGroupBox(tr("Backend"), this);
    editor->setLayout(form);

    auto *top = new QHBoxLayout;
    top->addLayout(listColumn, 1);
    top->addWidget(editor, 2);

    auto *routes = new QGroupBox(tr("Model routes"), this);
    auto *routesLayout = new QVBoxLayout(routes);
    routesLayout->addWidget(m_routesTable);
    auto *routeButtons = new QHBoxLayout;
    for (auto *button : {addRouteButton, removeRouteButton, up, down}) {
        routeButtons->addWidget(button);
    }
    routeButtons->addStretch(1);
    routesLayout->addLayout(routeButtons);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top, 3);
    layout->addWidget(routes, 2);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(760, 600);

    // What runs now, keys included (they stay in memory and are never put in a field).
    const Core::GatewayConfig &running = server.config();
    for (const auto &backend : running.backends) {
        m_entries.push_back(Entry{backend, backend.apiKey});
        m_namesAtOpen.append(QString::fromUtf8(backend.name));
        m_list->addItem(QString::fromUtf8(backend.name));
    }
    m_routes = running.routes;
    renderRoutes();
    if (!m_entries.empty()) {
        m_list->setCurrentRow(0);
    }
    updateEditorState();
}

BackendsDialog::~BackendsDialog() = default;

QToolButton *BackendsDialog::toolButton(const QString &objectName, const QString &text, const QString &tip)
{
    return makeToolButton(this, objectName, text, tip);
}

void BackendsDialog::setProbeCandidates(std::vector<Core::LocalServerProbe::Candidate> candidates)
{
    m_probe->setCandidates(std::move(candidates));
}

QStringList BackendsDialog::backendNames() const
{
    QStringList names;
    for (const Entry &entry : m_entries) {
        names.append(QString::fromUtf8(entry.backend.name));
    }
    return names;
}

QString BackendsDialog::uniqueName(const QString &base) const
{
    const QStringList names = backendNames();
    QString name = base;
    for (int i = 2; names.contains(name); ++i) {
        name = base + u'-' + QString::number(i);
    }
    return name;
}

void BackendsDialog::addBackend(Core::BackendConfig backend)
{
    storeEditor();
    m_list->addItem(QString::fromUtf8(backend.name));
    m_entries.push_back(Entry{std::move(backend), {}});
    m_list->setCurrentRow(int(m_entries.size()) - 1);
    renderRoutes(); // the route backend lists offer the new name
}

void BackendsDialog::removeBackend()
{
    const int row = m_current;
    if (row < 0) {
        return;
    }
    const QByteArray name = m_entries[size_t(row)].backend.name;
    m_current = -1; // the editor must not write the removed entry back
    m_entries.erase(m_entries.begin() + row);
    // Routes to it would name a backend that is gone.
    std::erase_if(m_routes, [&](const Core::RouteConfig &route) { return route.backend == name; });
    delete m_list->takeItem(row);
    renderRoutes();
    selectBackend(m_list->currentRow());
}

void BackendsDialog::selectBackend(int row)
{
    storeEditor();
    if (m_current >= 0) {
        // A key typed here is kept when the field is emptied by coming back to this backend.
        m_entries[size_t(m_current)].storedKey = m_entries[size_t(m_current)].backend.apiKey;
    }
    m_current = row >= 0 && row < int(m_entries.size()) ? row : -1;
    m_testResult->clear();
    ++m_testGeneration; // a test of the previous backend no longer answers here
    loadEditor();
}

void BackendsDialog::loadEditor()
{
    m_loading = true;
    m_key->clear();
    m_showKey->setChecked(false);
    if (m_current >= 0) {
        const auto &backend = m_entries[size_t(m_current)].backend;
        m_name->setText(QString::fromUtf8(backend.name));
        m_kind->setCurrentIndex(m_kind->findData(int(backend.kind)));
        m_url->setText(backend.url.toString());
        m_systemMessages->setCurrentIndex(m_systemMessages->findData(int(backend.systemMessageRole)));
        m_mergeTurns->setChecked(backend.mergeConsecutiveTurns);
        m_key->setPlaceholderText(backend.apiKey.isEmpty() ? tr("No key") : tr("•••• (stored)"));
    } else {
        m_name->clear();
        m_url->clear();
        m_key->setPlaceholderText(QString());
    }
    m_loading = false;
    updateEditorState();
}

void BackendsDialog::storeEditor()
{
    if (m_loading || m_current < 0) {
        return;
    }
    auto &backend = m_entries[size_t(m_current)].backend;
    backend.kind = Kind(m_kind->currentData().toInt());
    backend.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    backend.systemMessageRole = Core::SystemMessageRole(m_systemMessages->currentData().toInt());
    backend.mergeConsecutiveTurns = m_mergeTurns->isChecked();
    // An empty field stands for the stored key: the field is never filled with it.
    const QString typed = m_key->text().trimmed();
    backend.apiKey = typed.isEmpty() ? m_entries[size_t(m_current)].storedKey : typed.toUtf8();
}

void BackendsDialog::renameBackend(const QString &text)
{
    if (m_current < 0) {
        return;
    }
    const QByteArray name = text.trimmed().toUtf8();
    auto &backend = m_entries[size_t(m_current)].backend;
    for (auto &route : m_routes) {
        if (route.backend == backend.name) {
            route.backend = name; // routes follow a renamed backend
        }
    }
    backend.name = name;
    m_list->item(m_current)->setText(text.trimmed());
    renderRoutes();
}

void BackendsDialog::updateEditorState()
{
    const bool selected = m_current >= 0;
    const bool remote = selected && Kind(m_kind->currentData().toInt()) != Kind::Simulator;
    m_name->setEnabled(selected);
    m_kind->setEnabled(selected);
    m_url->setEnabled(remote);
    const bool translated = selected && Kind(m_kind->currentData().toInt()) == Kind::OpenAi;
    m_systemMessages->setEnabled(translated);
    m_mergeTurns->setEnabled(translated);
    m_key->setEnabled(remote);
    m_showKey->setEnabled(remote);
    m_forgetKey->setEnabled(remote && !m_entries[size_t(m_current)].backend.apiKey.isEmpty());
    m_test->setEnabled(selected);
    m_url->setPlaceholderText(selected && Kind(m_kind->currentData().toInt()) == Kind::Anthropic
                                  ? u"https://api.anthropic.com"_s
                                  : u"http://127.0.0.1:11434/v1"_s);
    m_keyLocation->setText(remote ? tr("Keys are %1.").arg(m_secrets.location()) : QString());
    findChild<QToolButton *>(u"removeBackend"_s)->setEnabled(selected);
}

void BackendsDialog::testConnection()
{
    storeEditor();
    if (m_current < 0) {
        return;
    }
    const Core::BackendConfig backend = m_entries[size_t(m_current)].backend;
    if (backend.kind != Kind::Simulator && (!backend.url.isValid() || backend.url.host().isEmpty())) {
        m_testResult->setText(tr("✕ Enter an http:// or https:// URL first."));
        return;
    }
    Core::Redactor::registerSecret(backend.apiKey);
    m_testResult->setText(tr("Asking %1 for its models…").arg(QString::fromUtf8(backend.name)));
    const quint64 generation = ++m_testGeneration;
    QCoro::connect(Core::checkBackend(backend), this, [this, generation](const auto &models) {
        if (generation != m_testGeneration) {
            return;
        }
        if (!models) {
            m_testResult->setText(tr("✕ %1").arg(QString::fromUtf8(Core::Redactor::text(models.error().message))));
            return;
        }
        QStringList ids;
        for (const auto &model : *models) {
            ids.append(QString::fromUtf8(model.id));
        }
        m_testResult->setText(ids.isEmpty() ? tr("✓ Connected; it lists no models.")
                                            : tr("✓ Connected; %1: %2").arg(modelCount(ids.size()), ids.join(u", "_s)));
    });
}

void BackendsDialog::detectLocalServers()
{
    m_detect->setEnabled(false);
    m_detectResult->setText(tr("Looking for local servers…"));
    m_probe->start();
}

void BackendsDialog::offerFound(const std::vector<Core::LocalServerProbe::Found> &found)
{
    m_detect->setEnabled(true);
    if (found.empty()) {
        m_detectResult->setText(tr("No local model server answered."));
        return;
    }
    m_detectResult->setText(found.size() == 1 ? tr("A server answered; pick it to add it.")
                                              : tr("%1 servers answered; pick one to add.").arg(found.size()));
    auto *menu = new QMenu(this);
    menu->setObjectName(u"localServersMenu"_s);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    for (const auto &server : found) {
        auto *action = menu->addAction(
            tr("Add %1 at %2 (%3)").arg(server.name, server.url.authority(), modelCount(server.models.size())));
        connect(action, &QAction::triggered, this, [this, server] {
            Core::BackendConfig backend;
            backend.name = uniqueName(nameFor(server.name)).toUtf8();
            backend.kind = Kind::OpenAi;
            backend.url = server.url;
            addBackend(std::move(backend));
        });
    }
    menu->popup(m_detect->mapToGlobal(QPoint(0, m_detect->height())));
}

void BackendsDialog::renderRoutes()
{
    m_loading = true;
    const int selected = m_routesTable->currentRow();
    m_routesTable->setRowCount(0);
    const QStringList names = backendNames();
    for (size_t i = 0; i < m_routes.size(); ++i) {
        const int row = int(i);
        const auto &route = m_routes[i];
        m_routesTable->insertRow(row);
        m_routesTable->setItem(row, PatternColumn, new QTableWidgetItem(QString::fromUtf8(route.pattern)));
        m_routesTable->setItem(row, UpstreamColumn, new QTableWidgetItem(QString::fromUtf8(route.upstreamModel)));
        auto *backend = new QComboBox(m_routesTable);
        backend->setObjectName(u"routeBackend"_s);
        backend->setAccessibleName(tr("Route backend"));
        backend->setToolTip(tr("The backend this route sends to"));
        backend->addItems(names);
        backend->setCurrentIndex(names.indexOf(QString::fromUtf8(route.backend)));
        connect(backend, &QComboBox::currentTextChanged, this, [this, row](const QString &name) {
            if (!m_loading && row < int(m_routes.size())) {
                m_routes[size_t(row)].backend = name.toUtf8();
            }
        });
        m_routesTable->setCellWidget(row, BackendColumn, backend);
    }
    if (selected >= 0 && selected < m_routesTable->rowCount()) {
        m_routesTable->selectRow(selected);
    }
    m_loading = false;
}

void BackendsDialog::addRoute()
{
    const QByteArray backend = m_current >= 0      ? m_entries[size_t(m_current)].backend.name
                               : m_entries.empty() ? QByteArray()
                                                   : m_entries.front().backend.name;
    // Before a trailing catch-all, which would otherwise shadow it.
    auto at = m_routes.end();
    if (!m_routes.empty() && m_routes.back().pattern == "*") {
        at = std::prev(m_routes.end());
    }
    const int row = int(at - m_routes.begin());
    m_routes.insert(at, Core::RouteConfig{"*", backend, {}});
    renderRoutes();
    m_routesTable->selectRow(row);
    m_routesTable->setCurrentCell(row, PatternColumn);
}

void BackendsDialog::removeRoute()
{
    const int row = m_routesTable->currentRow();
    if (row >= 0 && row < int(m_routes.size())) {
        m_routes.erase(m_routes.begin() + row);
        renderRoutes();
    }
}

void BackendsDialog::moveRoute(int delta)
{
    const int row = m_routesTable->currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= int(m_routes.size())) {
        return;
    }
    std::swap(m_routes[size_t(row)], m_routes[size_t(target)]);
    renderRoutes();
    m_routesTable->selectRow(target);
}

Core::GatewayConfig BackendsDialog::editedConfig()
{
    storeEditor();
    Core::GatewayConfig config;
    for (const Entry &entry : m_entries) {
        config.backends.push_back(entry.backend);
    }
    config.routes = m_routes;
    return config;
}

QString BackendsDialog::validate(const Core::GatewayConfig &config) const
{
    QSet<QByteArray> names;
    for (const auto &backend : config.backends) {
        if (backend.name.isEmpty()) {
            return tr("Every backend needs a name.");
        }
        if (names.contains(backend.name)) {
            return tr("Two backends are named \"%1\".").arg(QString::fromUtf8(backend.name));
        }
        names.insert(backend.name);
        if (backend.kind != Kind::Simulator &&
            (!backend.url.isValid() || backend.url.host().isEmpty() ||
             (backend.url.scheme() != u"http" && backend.url.scheme() != u"https"))) {
            return tr("Backend \"%1\" needs an http:// or https:// URL.").arg(QString::fromUtf8(backend.name));
        }
    }
    for (const auto &route : config.routes) {
        if (route.pattern.isEmpty()) {
            return tr("Every route needs a model pattern (* matches every model).");
        }
        if (!names.contains(route.backend)) {
            return tr("The route for \"%1\" names no backend.").arg(QString::fromUtf8(route.pattern));
        }
    }
    if (config.backends.empty()) {
        return tr("Add at least one backend (the simulator needs no server).");
    }
    // Whatever else the config format refuses, with its own words.
    const auto parsed = Core::GatewayConfig::fromJson(config.toJson(Core::GatewayConfig::Keys::Include));
    return parsed ? QString() : parsed.error();
}

void BackendsDialog::accept()
{
    Core::GatewayConfig config = editedConfig();
    if (const QString problem = validate(config); !problem.isEmpty()) {
        m_error->setText(problem);
        return;
    }
    m_error->clear();
    apply(std::move(config));
}

void BackendsDialog::apply(Core::GatewayConfig config)
{
    // Keys first: the settings must not name a backend whose key was lost.
    m_buttons->setEnabled(false);
    struct Pending
    {
        int remaining = 1;
        QStringList errors;
    };
    auto pending = std::make_shared<Pending>();
    const auto finishOne = [this, self = QPointer(this), pending, config] {
        if (--pending->remaining == 0 && self) {
            finishApply(config, pending->errors);
        }
    };
    QSet<QString> keyed;
    for (const auto &backend : config.backends) {
        if (backend.apiKey.isEmpty()) {
            continue;
        }
        const QString name = QString::fromUtf8(backend.name);
        keyed.insert(name);
        Core::Redactor::registerSecret(backend.apiKey);
        ++pending->remaining;
        m_secrets.write(name, backend.apiKey, [pending, name, finishOne](const QString &error) {
            if (!error.isEmpty()) {
                pending->errors.append(tr("The key of \"%1\" was not saved: %2").arg(name, error));
            }
            finishOne();
        });
    }
    // Keys of backends removed, renamed or cleared.
    QStringList stale = m_namesAtOpen;
    for (const auto &backend : config.backends) {
        stale.append(QString::fromUtf8(backend.name));
    }
    stale.removeDuplicates();
    for (const QString &name : std::as_const(stale)) {
        if (!keyed.contains(name)) {
            ++pending->remaining;
            m_secrets.remove(name, [finishOne](const QString &) { finishOne(); });
        }
    }
    finishOne();
}

void BackendsDialog::finishApply(Core::GatewayConfig config, const QStringList &errors)
{
    m_buttons->setEnabled(true);
    if (!errors.isEmpty()) {
        m_error->setText(errors.join(u'\n'));
        return;
    }
    Core::SavedGateway::save(m_settings, config);
    m_settings.sync();
    if (m_prepare) {
        if (const QString error = m_prepare(config); !error.isEmpty()) {
            m_error->setText(error);
            return;
        }
    } else {
        config.access = m_server.config().access;
    }
    m_server.setConfig(std::move(config));
    QString notice;
    if (!m_secrets.isSecure()) {
        notice = tr("Backend keys are %1.").arg(m_secrets.location());
    }
    Q_EMIT applied(notice);
    QDialog::accept();
}

} // namespace Switchboard::Ui
