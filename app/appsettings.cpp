// SPDX-License-Identifier: MIT
#include "appsettings.h"

#include "commandline.h"
#include "routing/savedgateway.h"

#include <QtCore/QDir>
#include <QtCore/QEventLoop>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>

namespace Switchboard::App {

using namespace Qt::StringLiterals;

std::unique_ptr<QSettings> openSettings(const CommandLine &options)
{
    if (!options.dataDir.isEmpty()) {
        return std::make_unique<QSettings>(QDir(options.dataDir).filePath(u"settings.ini"_s), QSettings::IniFormat);
    }
    return std::make_unique<QSettings>();
}

QString conversationsPath(const CommandLine &options)
{
    const QString directory =
        options.dataDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : options.dataDir;
    return QDir(directory).filePath(u"conversations.sqlite"_s);
}

void applySavedAddress(CommandLine &options, const QSettings &settings)
{
    if (options.addressGiven) {
        return;
    }
    QHostAddress host;
    if (host.setAddress(settings.value(u"server/host"_s).toString())) {
        options.host = host;
    }
    bool ok = false;
    const uint port = settings.value(u"server/port"_s).toUInt(&ok);
    if (ok && port <= 65535) {
        options.port = quint16(port);
    }
}

Core::Result<Core::GatewayConfig, QString> resolveGatewayConfig(const CommandLine &options, const QSettings &settings,
                                                                Core::SecretStore &secrets, QStringList &problems)
{
    if (options.backendGiven() || !Core::SavedGateway::exists(settings)) {
        return options.gatewayConfig();
    }
    auto saved = Core::SavedGateway::load(settings);
    if (!saved) {
        return saved.error();
    }
    // Nothing may be served before the keys are in: a keychain answers asynchronously.
    std::optional<Core::GatewayConfig> loaded;
    QEventLoop loop;
    Core::SavedGateway::loadKeys(std::move(*saved), secrets, [&](Core::GatewayConfig config, QStringList found) {
        loaded = std::move(config);
        problems = std::move(found);
        loop.quit();
    });
    if (!loaded) {
        loop.exec();
    }
    return std::move(*loaded);
}

} // namespace Switchboard::App
