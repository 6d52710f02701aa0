// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "routing/gatewayconfig.h"

#include <QtCore/QByteArrayList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <optional>

namespace Switchboard::App {

// The command line, shared by the window and headless mode:
//   switchboard [--headless] [--host ADDR] [--port N] [--config FILE]
//               [--openai-url URL] [--openai-key-env VAR] [--anthropic-url URL] [--anthropic-key-env VAR]
//               [--api-key-env VAR] [--allow-host NAME]… [--allow-origin ORIGIN]… [--drain-timeout S]
struct CommandLine
{
    bool headless = false;
    bool quiet = false;
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8321;
    QString configPath;
    QString openAiUrl;
    QString openAiKeyEnv;
    QString anthropicUrl;
    QString anthropicKeyEnv;
    QString apiKeyEnv;
    QByteArrayList allowedHosts;
    QByteArrayList allowedOrigins;
    // On SIGTERM or window close, how long answers under way may take before they are cut off.
    std::chrono::milliseconds drainTimeout{10'000};
    QString apiKeyPath;        // where a generated key is kept; the user data directory by default
    bool addressGiven = false; // --host or --port given: they win over the saved settings
    QString dataDir;           // empty: the user's data and config directories
    QString screenshotPath;

    // Why parsing ended the program: help and version (exit 0) or a mistake (exit 2).
    struct Exit
    {
        QString message;
        int code = 2;
    };

    static Core::Result<CommandLine, Exit> parse(const QStringList &arguments);

    // Whether the command line names backends (--openai-url, --anthropic-url or --config): then
    // they win over the ones saved from the window.
    bool backendGiven() const { return !openAiUrl.isEmpty() || !anthropicUrl.isEmpty() || !configPath.isEmpty(); }

    // The backends and routes these options ask for: a single backend from --openai-url or
    // --anthropic-url, else the config file, else the simulator. (resolveGatewayConfig in
    // appsettings.h puts the saved backends between the config file and the simulator.)
    Core::Result<Core::GatewayConfig, QString> gatewayConfig() const;

    // Applies the access options to `config` and settles Switchboard's own API key: the one given
    // with --api-key-env, or one generated and stored when listening beyond loopback or when a
    // backend holds the user's credentials. Returns what to tell the user, if anything.
    Core::Result<std::optional<QString>, QString> secure(Core::GatewayConfig &config) const;
};

} // namespace Switchboard::App
