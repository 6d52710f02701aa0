// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatsession.h"
#include "chat/conversationstore.h"
#include "client/messagesclient.h"
#include "mainwindow.h"
#include "routing/gatewayconfig.h"
#include "security/settingssecretstore.h"
#include "server/servercontroller.h"
#include "traffic/trafficlog.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSettings>
#include <QtNetwork/QHostAddress>
#include <QtTest/QTest>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QToolButton>

#include <memory>

namespace Switchboard::Test {

// The whole playground as `switchboard` wires it, on a real server at a free port, with its data
// (settings, conversations, keys) in `directory` and every exchange recorded. For the GUI suites.
struct Playground
{
    Playground(const QString &directory, Core::GatewayConfig config)
        : settings(directory + QStringLiteral("/settings.ini"), QSettings::IniFormat)
        , server(std::move(config), &traffic)
        , secrets(settings)
    {
        if (!store.open(directory + QStringLiteral("/conversations.sqlite"))) {
            qFatal("cannot open the store: %s", qPrintable(store.lastError()));
        }
        session = std::make_unique<Core::ChatSession>(store, client);
        Core::ChatSettings defaults;
        defaults.model = QStringLiteral("claude-test");
        session->restore(defaults);
        window = std::make_unique<Ui::MainWindow>(*session, server, traffic, settings, secrets);
        server.start(QHostAddress(QHostAddress::LocalHost), 0);
        window->show();
    }
    ~Playground()
    {
        window.reset();
        session.reset();
        server.stop(std::chrono::milliseconds(0));
        server.waitStopped(std::chrono::seconds(3));
    }

    template<typename T>
    T *find(const QString &name) const
    {
        // Fails the test here, by name, rather than as a crash at the first use of a null.
        T *found = window->findChild<T *>(name);
        if (!found) {
            qFatal("no %s named %s in the window", T::staticMetaObject.className(), qPrintable(name));
        }
        return found;
    }

    // Until the server listens and the window says so.
    void waitListening() const
    {
        QTRY_COMPARE(server.state(), Core::ServerController::State::Listening);
        auto *status = find<QToolButton>(QStringLiteral("serverStatus"));
        QVERIFY(status);
        QTRY_VERIFY(status->text().contains(server.baseUrl().authority()));
    }

    // Types `text` into the composer and sends it with Ctrl+Enter, as a person would.
    void send(const QString &text) const
    {
        auto *composer = find<QPlainTextEdit>(QStringLiteral("composer"));
        QVERIFY(composer);
        composer->setFocus();
        QTest::keyClicks(composer, text);
        QTest::keyClick(composer, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(composer->toPlainText().isEmpty());
    }

    // The request body of the newest POST /v1/messages the server saw.
    QJsonObject lastMessagesRequest() const
    {
        const auto ids = traffic.ids();
        for (auto it = ids.crbegin(); it != ids.crend(); ++it) {
            const auto record = traffic.record(*it);
            if (record && record->path == "/v1/messages") {
                return QJsonDocument::fromJson(record->clientRequest.body).object();
            }
        }
        return {};
    }

    QSettings settings;
    Core::TrafficLog traffic;
    Core::ServerController server;
    Core::SettingsSecretStore secrets;
    Core::ConversationStore store;
    Core::MessagesClient client;
    std::unique_ptr<Core::ChatSession> session;
    std::unique_ptr<Ui::MainWindow> window;
};

} // namespace Switchboard::Test
