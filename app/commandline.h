// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "routing/gatewayconfig.h"

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtNetwork/QHostAddress>

namespace Switchboard::App {

// The command line, shared by the window and headless mode:
//   switchboard [--headless] [--host ADDR] [--port N] [--config FILE]
//               [--openai-url URL] [--openai-key-env VAR] [--anthropic-url URL] [--anthropic-key-env VAR]
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

    // Why parsing ended the program: help and version (exit 0) or a mistake (exit 2).
    struct Exit
    {
        QString message;
        int code = 2;
    };

    static Core::Result<CommandLine, Exit> parse(const QStringList &arguments);

    // The backends and routes these options ask for: a single backend from --openai-url or
    // --anthropic-url, else the config file, else the simulator.
    Core::Result<Core::GatewayConfig, QString> gatewayConfig() const;
};

} // namespace Switchboard::App
