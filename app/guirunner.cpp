// SPDX-License-Identifier: MIT
#include "guirunner.h"

#include "appsettings.h"
#include "chat/chatsession.h"
#include "chat/conversationstore.h"
#include "client/messagesclient.h"
#include "commandline.h"
#include "mainwindow.h"
#include "routing/savedgateway.h"
#include "screenshotter.h"
#include "security/preferredsecretstore.h"
#include "server/servercontroller.h"
#include "signalwatcher.h"
#include "traffic/trafficlog.h"

#include <QtCore/QSettings>
#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>
#include <QtWidgets/QMessageBox>

#include <cstdio>

namespace Switchboard::App {

using namespace Qt::StringLiterals;

int runGui(const CommandLine &options, QSettings &settings)
{
    // Wayland links the window to its .desktop file (icon, name) by this id.
    QGuiApplication::setDesktopFileName(QStringLiteral(SWITCHBOARD_APP_ID));
    const auto secrets = Core::PreferredSecretStore::create(settings);
    QStringList problems;
    auto config = resolveGatewayConfig(options, settings, *secrets, problems);
    if (!config) {
        QTextStream(stderr) << "switchboard: " << config.error() << Qt::endl;
        return 2;
    }
    for (const QString &problem : std::as_const(problems)) {
        QTextStream(stderr) << "switchboard: " << problem << Qt::endl;
    }
    const auto notice = options.secure(*config);
    if (!notice) {
        QTextStream(stderr) << "switchboard: " << notice.error() << Qt::endl;
        return 2;
    }
    if (*notice) {
        QTextStream(stderr) << "switchboard: " << **notice << Qt::endl;
    }

    Core::ConversationStore store;
    const QString storePath = conversationsPath(options);
    // A file that cannot be used must not keep the server from starting: the window then works on
    // a store in memory and says so.
    QString storeProblem;
    if (!store.open(storePath)) {
        storeProblem = QObject::tr("Conversations are not saved this time: %1 cannot be used (%2).")
                           .arg(storePath, store.lastError());
        QTextStream(stderr) << "switchboard: " << storeProblem << Qt::endl;
        if (!store.open(u":memory:"_s)) {
            QTextStream(stderr) << "switchboard: " << store.lastError() << Qt::endl;
            return 1;
        }
    }
    Core::TrafficLog traffic(settings.value(u"inspector/capacity"_s, Core::TrafficLog::DefaultCapacity).toInt());
    QObject::connect(&traffic, &Core::TrafficLog::capacityChanged, &traffic,
                     [&settings](int capacity) { settings.setValue(u"inspector/capacity"_s, capacity); });
    Core::ServerController server(*config, &traffic);
    server.setApiKeyPath(options.apiKeyPath);
    Core::MessagesClient client;
    client.setApiKey(config->access.apiKey);
    Core::ChatSession session(store, client);
    session.restore(Core::ChatSettings{});

    Ui::MainWindow window(session, server, traffic, settings, *secrets);
    if (!storeProblem.isEmpty()) {
        auto *box =
            new QMessageBox(QMessageBox::Warning, QObject::tr("Switchboard"), storeProblem, QMessageBox::Ok, &window);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open(); // the server and the chat work meanwhile
    }
    // Backends changed in the window get the same access rules as the command line's.
    window.setPrepareConfig([&options, &client](Core::GatewayConfig &changed) -> QString {
        const auto secured = options.secure(changed);
        if (!secured) {
            return secured.error();
        }
        if (*secured) {
            QTextStream(stderr) << "switchboard: " << **secured << Qt::endl;
        }
        client.setApiKey(changed.access.apiKey);
        return {};
    });
    // Whether keys can go to the keychain, known before the user types one (the dialog says where).
    secrets->probe([](bool usable) {
        if (!usable) {
            QTextStream(stderr) << "switchboard: no usable keychain; backend keys are kept in the settings file"
                                << Qt::endl;
        }
    });
    if (*notice && !config->access.apiKey.isEmpty() && (*notice)->contains(QString::fromUtf8(config->access.apiKey))) {
        window.showNewApiKey(config->access.apiKey, options.apiKeyPath); // generated just now
    }
    QObject::connect(&server, &Core::ServerController::stateChanged, &window, [&server](auto state) {
        if (state == Core::ServerController::State::Listening) {
            std::fprintf(stdout, "Listening on %s\n", server.baseUrl().toString().toUtf8().constData());
            std::fflush(stdout);
        } else if (state == Core::ServerController::State::Failed) {
            QTextStream(stderr) << "switchboard: cannot listen on " << server.host().toString() << ':'
                                << server.requestedPort() << ": " << server.errorString() << Qt::endl;
        }
    });
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &window, [] { QApplication::exit(0); });

    std::unique_ptr<Screenshotter> screenshotter;
    if (!options.screenshotPath.isEmpty()) {
        screenshotter = std::make_unique<Screenshotter>(window, session, server, options.screenshotPath);
    }
    server.start(options.host, options.port);
    window.show();
    const bool firstStart = !options.backendGiven() && !Core::SavedGateway::exists(settings) &&
                            !settings.value(Core::SavedGateway::ProbedKey.toString()).toBool() &&
                            options.screenshotPath.isEmpty();
    if (firstStart) {
        window.offerLocalServers();
    }
    const int code = QApplication::exec();
    // The window is gone; answers still under way get the drain deadline, as in headless mode.
    window.hide();
    server.stop(options.drainTimeout);
    server.waitStopped(options.drainTimeout + std::chrono::seconds(3));
    return screenshotter ? screenshotter->exitCode() : code;
}

} // namespace Switchboard::App
