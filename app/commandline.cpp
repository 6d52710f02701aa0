// SPDX-License-Identifier: MIT
#include "commandline.h"

#include "security/apikeystore.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QUrl>

namespace Switchboard::App {

using namespace Qt::StringLiterals;

namespace {

Core::Result<QByteArray, QString> keyFromEnvironment(const QString &variable, const QString &option)
{
    if (variable.isEmpty()) {
        return QByteArray();
    }
    if (!qEnvironmentVariableIsSet(variable.toLocal8Bit().constData())) {
        return u"%1: the environment variable %2 is not set"_s.arg(option, variable);
    }
    return qgetenv(variable.toLocal8Bit().constData());
}

Core::Result<QUrl, QString> parseUrl(const QString &text, const QString &option)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        return u"%1: \"%2\" is not an http:// or https:// URL"_s.arg(option, text);
    }
    return url;
}

} // namespace

Core::Result<CommandLine, CommandLine::Exit> CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Switchboard: a desktop playground and local gateway for the Anthropic "
                                     u"Messages API."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(u"headless"_s, u"Serve the API without a window."_s);
    const QCommandLineOption quiet(u"quiet"_s, u"Do not log one line per request to stderr."_s);
    const QCommandLineOption host(u"host"_s, u"Address to listen on (default 127.0.0.1)."_s, u"ADDR"_s, u"127.0.0.1"_s);
    const QCommandLineOption port(u"port"_s, u"Port to listen on; 0 picks a free one (default 8321)."_s, u"N"_s,
                                  u"8321"_s);
    const QCommandLineOption config(u"config"_s, u"Backends and model routes (JSON, see the README)."_s, u"FILE"_s);
    const QCommandLineOption openAiUrl(u"openai-url"_s,
                                       u"Send every model to this OpenAI-compatible server (e.g. "
                                       u"http://127.0.0.1:11434/v1); model names pass through."_s,
                                       u"URL"_s);
    const QCommandLineOption openAiKeyEnv(
        u"openai-key-env"_s, u"Environment variable holding the OpenAI-compatible server's key."_s, u"VAR"_s);
    const QCommandLineOption anthropicUrl(u"anthropic-url"_s,
                                          u"Pass every request through to this Anthropic-native server."_s, u"URL"_s);
    const QCommandLineOption anthropicKeyEnv(
        u"anthropic-key-env"_s, u"Environment variable holding the Anthropic-native server's key."_s, u"VAR"_s);
    const QCommandLineOption apiKeyEnv(
        u"api-key-env"_s, u"Environment variable holding the key clients must send to Switchboard."_s, u"VAR"_s);
    const QCommandLineOption allowHost(u"allow-host"_s,
                                       u"Also accept this Host name (besides localhost); repeatable."_s, u"NAME"_s);
    const QCommandLineOption allowOrigin(
        u"allow-origin"_s, u"Let browser pages from this origin call the API (CORS); repeatable."_s, u"ORIGIN"_s);
    const QCommandLineOption drainTimeout(
        u"drain-timeout"_s,
        u"On shutdown, seconds that answers under way may take before they end with an error (default 10)."_s, u"S"_s,
        u"10"_s);
    const QCommandLineOption dataDir(
        u"data-dir"_s,
        u"Keep conversations and settings in this directory instead of the user's data and config directories."_s,
        u"DIR"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s,
        u"Window only: ask the simulator one question, save the window to FILE and the inspector to FILE with "
        u"-inspector before the extension, then quit (for the README; use with --data-dir)."_s,
        u"FILE"_s);
    parser.addOptions({headless, quiet, host, port, config, openAiUrl, openAiKeyEnv, anthropicUrl, anthropicKeyEnv,
                       apiKeyEnv, allowHost, allowOrigin, drainTimeout, dataDir, screenshot});

    if (!parser.parse(arguments)) {
        return Exit{parser.errorText()};
    }
    if (parser.isSet(u"help"_s)) {
        return Exit{parser.helpText(), 0};
    }
    if (parser.isSet(u"version"_s)) {
        return Exit{QCoreApplication::applicationName() + u' ' + QCoreApplication::applicationVersion(), 0};
    }
    if (!parser.positionalArguments().isEmpty()) {
        return Exit{u"unexpected argument: %1"_s.arg(parser.positionalArguments().constFirst())};
    }

    CommandLine options;
    options.headless = parser.isSet(headless);
    options.quiet = parser.isSet(quiet);
    QString hostText = parser.value(host);
    if (hostText == u"localhost") {
        hostText = u"127.0.0.1"_s;
    }
    if (hostText.startsWith(u'[') && hostText.endsWith(u']')) {
        hostText = hostText.mid(1, hostText.size() - 2);
    }
    if (!options.host.setAddress(hostText)) {
        return Exit{u"--host: \"%1\" is not an IP address"_s.arg(parser.value(host))};
    }
    bool ok = false;
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber > 65535) {
        return Exit{u"--port: \"%1\" is not a port number (0-65535)"_s.arg(parser.value(port))};
    }
    options.port = quint16(portNumber);
    options.addressGiven = parser.isSet(host) || parser.isSet(port);
    options.dataDir = parser.value(dataDir);
    options.screenshotPath = parser.value(screenshot);
    const double drainSeconds = parser.value(drainTimeout).toDouble(&ok);
    if (!ok || drainSeconds < 0 || drainSeconds > 3600) {
        return Exit{u"--drain-timeout: \"%1\" is not a number of seconds (0-3600)"_s.arg(parser.value(drainTimeout))};
    }
    options.drainTimeout = std::chrono::milliseconds(qint64(drainSeconds * 1000));
    options.configPath = parser.value(config);
    options.openAiUrl = parser.value(openAiUrl);
    options.openAiKeyEnv = parser.value(openAiKeyEnv);
    options.anthropicUrl = parser.value(anthropicUrl);
    options.anthropicKeyEnv = parser.value(anthropicKeyEnv);
    options.apiKeyEnv = parser.value(apiKeyEnv);
    for (const QString &name : parser.values(allowHost)) {
        options.allowedHosts.append(name.toUtf8());
    }
    for (const QString &origin : parser.values(allowOrigin)) {
        options.allowedOrigins.append(origin.toUtf8());
    }
    options.apiKeyPath =
        options.dataDir.isEmpty() ? Core::ApiKeyStore::defaultPath() : QDir(options.dataDir).filePath(u"api-key"_s);
    if (!options.openAiUrl.isEmpty() && !options.anthropicUrl.isEmpty()) {
        return Exit{u"--openai-url and --anthropic-url each send every model to one backend; give one of them, "
                    u"or describe several backends in a --config file"_s};
    }
    return options;
}

Core::Result<Core::GatewayConfig, QString> CommandLine::gatewayConfig() const
{
    using Core::BackendConfig;
    if (!openAiUrl.isEmpty() || !anthropicUrl.isEmpty()) {
        const bool openAi = !openAiUrl.isEmpty();
        const QString option = openAi ? u"--openai-url"_s : u"--anthropic-url"_s;
        auto url = parseUrl(openAi ? openAiUrl : anthropicUrl, option);
        if (!url) {
            return url.error();
        }
        auto key = keyFromEnvironment(openAi ? openAiKeyEnv : anthropicKeyEnv,
                                      openAi ? u"--openai-key-env"_s : u"--anthropic-key-env"_s);
        if (!key) {
            return key.error();
        }
        BackendConfig backend;
        backend.name = openAi ? "openai" : "anthropic";
        backend.kind = openAi ? BackendConfig::Kind::OpenAi : BackendConfig::Kind::Anthropic;
        backend.url = *url;
        backend.apiKey = *key;
        return Core::GatewayConfig::singleBackend(std::move(backend));
    }
    if (!configPath.isEmpty()) {
        return Core::GatewayConfig::fromFile(configPath);
    }
    return Core::GatewayConfig::simulatorOnly();
}

Core::Result<std::optional<QString>, QString> CommandLine::secure(Core::GatewayConfig &config) const
{
    Core::AccessOptions &access = config.access;
    access.allowedHosts += allowedHosts;
    access.allowedOrigins += allowedOrigins;
    if (!apiKeyEnv.isEmpty()) {
        auto key = keyFromEnvironment(apiKeyEnv, u"--api-key-env"_s);
        if (!key) {
            return key.error();
        }
        access.apiKey = *key;
        access.requireKey = true;
    }
    const bool beyondLoopback = !host.isLoopback();
    if (beyondLoopback) {
        access.requireKey = true;
    }
    const bool keyNeeded =
        access.requireKey || (config.hasCredentialedBackend() && access.requireKeyForCredentialedBackends);
    if (!keyNeeded || !access.apiKey.isEmpty()) {
        return std::optional<QString>();
    }
    const auto stored = Core::ApiKeyStore::loadOrCreate(apiKeyPath);
    if (!stored) {
        return stored.error();
    }
    access.apiKey = stored->value;
    const QString why =
        beyondLoopback ? u"it listens beyond this machine"_s : u"a backend uses credentials stored in Switchboard"_s;
    if (stored->created) {
        return std::optional<QString>(
            u"Switchboard generated an API key because %1. Clients send it as x-api-key or Authorization: "
            u"Bearer:\n  %2\n(kept in %3)"_s.arg(why, QString::fromUtf8(stored->value), apiKeyPath));
    }
    return std::optional<QString>(
        u"Clients must send Switchboard's API key (kept in %1) because %2."_s.arg(apiKeyPath, why));
}

} // namespace Switchboard::App
