// SPDX-License-Identifier: MIT
#include "savedgateway.h"

#include "security/redactor.h"
#include "security/secretstore.h"

#include <QtCore/QSettings>

#include <memory>

namespace Switchboard::Core::SavedGateway {

using namespace Qt::StringLiterals;

bool exists(const QSettings &settings)
{
    return settings.contains(ConfigKey.toString());
}

Result<GatewayConfig, QString> load(const QSettings &settings)
{
    auto config = GatewayConfig::fromJson(settings.value(ConfigKey.toString()).toString().toUtf8());
    if (!config) {
        return u"%1: %2: %3"_s.arg(settings.fileName(), ConfigKey.toString(), config.error());
    }
    return config;
}

void save(QSettings &settings, const GatewayConfig &config)
{
    GatewayConfig saved = config;
    saved.access = AccessOptions{};
    settings.setValue(ConfigKey.toString(), QString::fromUtf8(saved.toJson(GatewayConfig::Keys::Omit)));
}

void loadKeys(GatewayConfig config, SecretStore &secrets,
              std::function<void(GatewayConfig config, QStringList problems)> done)
{
    struct Pending
    {
        GatewayConfig config;
        QStringList problems;
        size_t remaining = 0;
        std::function<void(GatewayConfig, QStringList)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->config = std::move(config);
    pending->done = std::move(done);
    // One more than the reads, released below: a store that answers at once must not finish early.
    pending->remaining = pending->config.backends.size() + 1;
    const auto finishOne = [pending] {
        if (--pending->remaining == 0) {
            pending->done(std::move(pending->config), std::move(pending->problems));
        }
    };
    for (size_t i = 0; i < pending->config.backends.size(); ++i) {
        const QString name = QString::fromUtf8(pending->config.backends[i].name);
        secrets.read(name, [pending, i, name, finishOne](SecretStore::ReadResult read) {
            if (!read.error.isEmpty()) {
                pending->problems.append(u"the key of backend \"%1\" cannot be read: %2"_s.arg(name, read.error));
            } else if (!read.secret.isEmpty()) {
                Redactor::registerSecret(read.secret);
                pending->config.backends[i].apiKey = read.secret;
            }
            finishOne();
        });
    }
    finishOne();
}

} // namespace Switchboard::Core::SavedGateway
