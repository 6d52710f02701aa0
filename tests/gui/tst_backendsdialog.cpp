// SPDX-License-Identifier: MIT
#include "apiclient.h"
#include "backendsdialog.h"
#include "chat/chatsession.h"
#include "chat/conversationstore.h"
#include "client/messagesclient.h"
#include "fakebackend.h"
#include "mainwindow.h"
#include "memorysecretstore.h"
#include "server/servercontroller.h"
#include "traffic/trafficlog.h"

#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMenu>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>

#include <algorithm>

using namespace Switchboard;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;
using State = Core::ServerController::State;

namespace {

constexpr QByteArrayView BackendKey = "sk-test-backend-key-0123456789";
constexpr QByteArrayView SwitchboardKey = "sb-test-own-key-0123456789";

const QByteArray Models = R"({"object":"list","data":[{"id":"fake-small","object":"model","created":1},)"
                          R"({"id":"fake-large","object":"model","created":2}]})";

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

// What guirunner's prepare does with the command line's rules: a credentialed backend gets
// Switchboard's own key.
QString prepare(Core::GatewayConfig &config)
{
    config.access.apiKey = SwitchboardKey.toByteArray();
    return {};
}

template<typename T>
T *child(QWidget *parent, const QString &name)
{
    // Fails the test here, by name, rather than as a crash (or a pass) at the first use of a null.
    auto *found = parent->findChild<T *>(name);
    if (!found) {
        qFatal("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    }
    return found;
}

QString fileText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

// The backends dialog driven by objectName: a backend added against a fake OpenAI server, its
// connection tested, a route added, OK pressed; then the settings, the key store and the running
// server are checked. Also the entry points in the window and the first-start offer.
class TestBackendsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void addTestRouteApply_reachesTheFakeBackend();
    void testConnection_showsTheError();
    void storedKey_isNeverShown();
    void window_opensTheDialogFromTheModelPicker();
    void firstStart_offersWhatAnswered();

private:
    void startServer(Core::GatewayConfig config);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<Core::TrafficLog> m_traffic;
    std::unique_ptr<Core::ServerController> m_server;
    std::unique_ptr<MemorySecretStore> m_secrets;
    QList<State> m_states;
};

void TestBackendsDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_traffic = std::make_unique<Core::TrafficLog>();
    m_secrets = std::make_unique<MemorySecretStore>();
    m_states.clear();
}

void TestBackendsDialog::cleanup()
{
    if (m_server) {
        m_server->stop(std::chrono::milliseconds(0));
        m_server->waitStopped(std::chrono::seconds(3));
    }
    m_server.reset();
    m_secrets.reset();
    m_traffic.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestBackendsDialog::startServer(Core::GatewayConfig config)
{
    m_server = std::make_unique<Core::ServerController>(std::move(config), m_traffic.get());
    connect(m_server.get(), &Core::ServerController::stateChanged, this,
            [this](State state) { m_states.append(state); });
    m_server->start(QHostAddress(QHostAddress::LocalHost), 0);
    QTRY_COMPARE(m_server->state(), State::Listening);
}

void TestBackendsDialog::addTestRouteApply_reachesTheFakeBackend()
{
    FakeBackend fake;
    QVERIFY(fake.start() != 0);
    fake.on("/v1/models", FakeResponse::json(Models));
    fake.on("/v1/chat/completions",
            FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    startServer(Core::GatewayConfig::simulatorOnly());
    const QUrl before = m_server->baseUrl();

    Ui::BackendsDialog dialog(*m_server, *m_secrets, *m_settings);
    dialog.setPrepare(prepare);
    dialog.show();
    auto *list = child<QListWidget>(&dialog, u"backendsList"_s);
    QVERIFY(list);
    QCOMPARE(list->count(), 1); // the simulator that runs now
    QTest::mouseClick(child<QToolButton>(&dialog, u"addBackend"_s), Qt::LeftButton);
    QCOMPARE(list->count(), 2);
    QCOMPARE(list->currentRow(), 1);

    auto *name = child<QLineEdit>(&dialog, u"backendName"_s);
    name->selectAll();
    QTest::keyClicks(name, u"local"_s);
    QCOMPARE(list->item(1)->text(), u"local"_s);
    auto *kind = child<QComboBox>(&dialog, u"backendKind"_s);
    QCOMPARE(kind->currentText(), u"OpenAI-compatible"_s);
    auto *url = child<QLineEdit>(&dialog, u"backendUrl"_s);
    QVERIFY(url->isEnabled());
    QTest::keyClicks(url, QString::fromUtf8(fake.baseUrl() + "/v1"));
    // Mid-conversation system messages: reminders in user turns unless the server takes them in place.
    auto *systemMessages = child<QComboBox>(&dialog, u"backendSystemMessages"_s);
    QVERIFY(systemMessages->isEnabled());
    QCOMPARE(systemMessages->currentData().toInt(), int(Core::SystemMessageRole::User));
    systemMessages->setFocus();
    QTest::keyClick(systemMessages, Qt::Key_Down);
    QCOMPARE(systemMessages->currentData().toInt(), int(Core::SystemMessageRole::System));
    QVERIFY(!child<QCheckBox>(&dialog, u"backendMergeTurns"_s)->isChecked());
    auto *key = child<QLineEdit>(&dialog, u"backendKey"_s);
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    QTest::keyClicks(key, QString::fromLatin1(BackendKey));
    auto *show = child<QToolButton>(&dialog, u"showKey"_s);
    QTest::mouseClick(show, Qt::LeftButton);
    QCOMPARE(key->echoMode(), QLineEdit::Normal);
    QTest::mouseClick(show, Qt::LeftButton);
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    QVERIFY(child<QLabel>(&dialog, u"keyLocation"_s)->text().contains(u"test keychain"_s));

    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    auto *result = child<QLabel>(&dialog, u"testResult"_s);
    QTRY_VERIFY(result->text().contains(u"fake-small"_s));
    QVERIFY(result->text().contains(u"fake-large"_s));
    QCOMPARE(fake.lastRequest().path, QByteArray("/v1/models"));
    QCOMPARE(fake.lastRequest().header("authorization"), "Bearer " + BackendKey.toByteArray());

    // A route for fake-* before the simulator's catch-all, renamed upstream.
    auto *routes = child<QTableWidget>(&dialog, u"routesTable"_s);
    QCOMPARE(routes->rowCount(), 1);
    QTest::mouseClick(child<QToolButton>(&dialog, u"addRoute"_s), Qt::LeftButton);
    QCOMPARE(routes->rowCount(), 2);
    QCOMPARE(routes->currentRow(), 0);
    routes->item(0, 0)->setText(u"fake-*"_s);
    auto *routeBackend = qobject_cast<QComboBox *>(routes->cellWidget(0, 1));
    QVERIFY(routeBackend);
    QCOMPARE(routeBackend->currentText(), u"local"_s);
    routes->item(0, 2)->setText(u"fake-small"_s);
    // Up and down keep the order they are given.
    QTest::mouseClick(child<QToolButton>(&dialog, u"moveRouteDown"_s), Qt::LeftButton);
    QCOMPARE(routes->item(1, 0)->text(), u"fake-*"_s);
    QTest::mouseClick(child<QToolButton>(&dialog, u"moveRouteUp"_s), Qt::LeftButton);
    QCOMPARE(routes->item(0, 0)->text(), u"fake-*"_s);

    const int statesBefore = int(m_states.size());
    QTest::mouseClick(child<QPushButton>(&dialog, u"backendsOk"_s), Qt::LeftButton);
    QTRY_VERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    // Settings: the config, and no key in clear.
    m_settings->sync();
    const QString saved = m_settings->value(u"gateway/config"_s).toString();
    QVERIFY(saved.contains(u"\"name\":\"local\""_s));
    QVERIFY(saved.contains(u"\"model\":\"fake-*\""_s));
    QVERIFY(saved.contains(u"\"system_messages\":\"system\""_s));
    QVERIFY(!saved.contains(u"api_key"_s));
    QVERIFY(!fileText(m_settings->fileName()).contains(QString::fromLatin1(BackendKey)));
    // The key went to the secret store, under the backend's name.
    QCOMPARE(m_secrets->secrets.value(u"local"_s), BackendKey.toByteArray());
    QVERIFY(!m_secrets->secrets.contains(u"simulator"_s));

    // The server restarted on the same address with the new routes.
    QTRY_VERIFY(m_states.mid(statesBefore).contains(State::Starting));
    QTRY_COMPARE(m_server->state(), State::Listening);
    QCOMPARE(m_server->baseUrl(), before);
    QCOMPARE(m_server->config().backends.size(), size_t(2));

    ApiClient client(m_server->baseUrl());
    const QByteArray body = R"({"model":"fake-any","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    // A backend with the user's credentials needs Switchboard's key (prepare gave it one).
    QCOMPARE(client.post("/v1/messages", body).status, 401);
    const auto reply = client.post("/v1/messages", body, {{"x-api-key", SwitchboardKey.toByteArray()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(fake.lastRequest().path, QByteArray("/v1/chat/completions"));
    QCOMPARE(fake.lastRequest().header("authorization"), "Bearer " + BackendKey.toByteArray());
    QVERIFY(fake.lastRequest().body.contains(R"("model":"fake-small")"));
    QCOMPARE(reply.json()[u"model"_s].toString(), u"fake-any"_s);
    // The setting reached the running backend: a system message goes upstream in place, as system.
    const QByteArray reminded = R"({"model":"fake-any","max_tokens":8,"messages":[{"role":"user","content":"hi"},)"
                                R"({"role":"system","content":"note"}]})";
    QCOMPARE(client.post("/v1/messages", reminded, {{"x-api-key", SwitchboardKey.toByteArray()}}).status, 200);
    QVERIFY2(fake.lastRequest().body.contains(
                 R"("messages":[{"role":"user","content":"hi"},{"role":"system","content":"note"}])"),
             fake.lastRequest().body.constData());
    // Other models still reach the simulator.
    const int upstream = int(fake.requests().size());
    const QByteArray other = R"({"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    QCOMPARE(client.post("/v1/messages", other, {{"x-api-key", SwitchboardKey.toByteArray()}}).status, 200);
    QCOMPARE(int(fake.requests().size()), upstream);
}

void TestBackendsDialog::testConnection_showsTheError()
{
    startServer(Core::GatewayConfig::simulatorOnly());
    Ui::BackendsDialog dialog(*m_server, *m_secrets, *m_settings);
    dialog.show();
    QTest::mouseClick(child<QToolButton>(&dialog, u"addBackend"_s), Qt::LeftButton);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"backendUrl"_s), u"http://127.0.0.1:%1/v1"_s.arg(closedPort()));
    QTest::mouseClick(child<QPushButton>(&dialog, u"testConnection"_s), Qt::LeftButton);
    auto *result = child<QLabel>(&dialog, u"testResult"_s);
    QTRY_VERIFY(result->text().startsWith(u"✕"_s));
    qInfo("closed port: %s", qPrintable(result->text()));

    // A route to no backend, or a backend with no URL, keeps the dialog open and says why.
    child<QLineEdit>(&dialog, u"backendUrl"_s)->clear();
    QTest::keyClicks(child<QLineEdit>(&dialog, u"backendUrl"_s), u"not a url"_s);
    QTest::mouseClick(child<QPushButton>(&dialog, u"backendsOk"_s), Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY(child<QLabel>(&dialog, u"backendsError"_s)->text().contains(u"URL"_s));
    QVERIFY(!m_settings->contains(u"gateway/config"_s));
}

void TestBackendsDialog::storedKey_isNeverShown()
{
    Core::BackendConfig cloud;
    cloud.name = "cloud";
    cloud.kind = Core::BackendConfig::Kind::Anthropic;
    cloud.url = QUrl(u"https://api.example.com"_s);
    cloud.apiKey = BackendKey.toByteArray();
    startServer(Core::GatewayConfig::singleBackend(cloud));
    Ui::BackendsDialog dialog(*m_server, *m_secrets, *m_settings);
    dialog.setPrepare(prepare);
    dialog.show();
    auto *key = child<QLineEdit>(&dialog, u"backendKey"_s);
    QVERIFY(key->text().isEmpty());
    QCOMPARE(key->placeholderText(), u"•••• (stored)"_s);
    QTest::mouseClick(child<QToolButton>(&dialog, u"showKey"_s), Qt::LeftButton);
    QVERIFY(key->text().isEmpty());                                               // showing reveals only what was typed
    QCOMPARE(dialog.editedConfig().backends[0].apiKey, BackendKey.toByteArray()); // kept

    // Renaming moves the key: the old name's entry is removed, the new one written.
    m_secrets->secrets.insert(u"cloud"_s, BackendKey.toByteArray());
    auto *name = child<QLineEdit>(&dialog, u"backendName"_s);
    name->selectAll();
    QTest::keyClicks(name, u"anthropic"_s);
    QCOMPARE(dialog.editedConfig().routes[0].backend, QByteArray("anthropic"));
    QTest::mouseClick(child<QPushButton>(&dialog, u"backendsOk"_s), Qt::LeftButton);
    QTRY_VERIFY(!dialog.isVisible());
    QCOMPARE(m_secrets->secrets.value(u"anthropic"_s), BackendKey.toByteArray());
    QVERIFY(!m_secrets->secrets.contains(u"cloud"_s));
}

void TestBackendsDialog::window_opensTheDialogFromTheModelPicker()
{
    startServer(Core::GatewayConfig::simulatorOnly());
    Core::ConversationStore store;
    QVERIFY(store.open(m_dir->filePath(u"conversations.sqlite"_s)));
    Core::MessagesClient client;
    Core::ChatSession session(store, client);
    session.restore(Core::ChatSettings{});
    Ui::MainWindow window(session, *m_server, *m_traffic, *m_settings, *m_secrets);
    window.show();
    auto *manage = child<QToolButton>(&window, u"manageBackends"_s);
    QVERIFY(manage);
    QVERIFY(!manage->accessibleName().isEmpty() && !manage->toolTip().isEmpty());
    QTest::mouseClick(manage, Qt::LeftButton);
    Ui::BackendsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<Ui::BackendsDialog *>(u"backendsDialog"_s)) && dialog->isVisible());
    QCOMPARE(dialog->findChild<QListWidget *>(u"backendsList"_s)->count(), 1);
    // Every interactive widget is named for tests and assistive technology.
    for (auto *widget : dialog->findChildren<QWidget *>()) {
        if (qobject_cast<QLineEdit *>(widget) || qobject_cast<QComboBox *>(widget) ||
            qobject_cast<QToolButton *>(widget) || qobject_cast<QListWidget *>(widget) ||
            qobject_cast<QTableWidget *>(widget)) {
            if (widget->parent() && qobject_cast<QComboBox *>(widget->parent())) {
                continue; // a combo's own line edit
            }
            QVERIFY2(!widget->objectName().isEmpty(), widget->metaObject()->className());
            QVERIFY2(!widget->toolTip().isEmpty(), qPrintable(widget->objectName()));
            QVERIFY2(!widget->accessibleName().isEmpty(), qPrintable(widget->objectName()));
        }
    }
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"backendsCancel"_s), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<Ui::BackendsDialog *>(u"backendsDialog"_s));
    QVERIFY(!m_settings->contains(u"gateway/config"_s));
}

void TestBackendsDialog::firstStart_offersWhatAnswered()
{
    FakeBackend fake;
    QVERIFY(fake.start() != 0);
    fake.on("/v1/models", FakeResponse::json(Models));
    fake.on("/v1/chat/completions",
            FakeResponse::eventStream(FakeBackend::fixture(u"llama-cpp/07_chat_stream_usage.sse"_s)));
    startServer(Core::GatewayConfig::simulatorOnly());
    Core::ConversationStore store;
    QVERIFY(store.open(m_dir->filePath(u"conversations.sqlite"_s)));
    Core::MessagesClient client;
    Core::ChatSession session(store, client);
    session.restore(Core::ChatSettings{});
    Ui::MainWindow window(session, *m_server, *m_traffic, *m_settings, *m_secrets);
    window.show();
    window.offerLocalServers({{u"Fakellama"_s, fake.port()}, {u"Closed"_s, closedPort()}});

    QWidget *bar = nullptr;
    QTRY_VERIFY((bar = window.findChild<QWidget *>(u"localServersBar"_s)) && bar->isVisible());
    QVERIFY(m_settings->value(u"gateway/probed"_s).toBool());
    const auto offers = bar->findChildren<QPushButton *>(u"useLocalServer"_s);
    QCOMPARE(offers.size(), 1);
    QCOMPARE(offers[0]->text(), u"Use Fakellama at 127.0.0.1:%1 (2 models)"_s.arg(fake.port()));
    QCOMPARE(m_server->config().backends.front().name, QByteArray("simulator")); // until chosen

    const int statesBefore = int(m_states.size());
    QTest::mouseClick(offers[0], Qt::LeftButton);
    QTRY_VERIFY(!bar->isVisible());
    QVERIFY(m_settings->value(u"gateway/config"_s).toString().contains(u"\"name\":\"fakellama\""_s));
    QTRY_VERIFY(m_states.mid(statesBefore).contains(State::Starting));
    QTRY_COMPARE(m_server->state(), State::Listening);
    const QByteArray body = R"({"model":"fake-small","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})";
    QCOMPARE(ApiClient(m_server->baseUrl()).post("/v1/messages", body).status, 200);
    // The window also lists the new backend's models as it comes up, so the chat request need not
    // be the last one the backend saw.
    QVERIFY(std::any_of(fake.requests().cbegin(), fake.requests().cend(),
                        [](const CapturedRequest &request) { return request.path == "/v1/chat/completions"; }));
}

QTEST_MAIN(TestBackendsDialog)
#include "tst_backendsdialog.moc"
