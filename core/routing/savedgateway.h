// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "gatewayconfig.h"

#include <QtCore/QStringList>

#include <functional>

class QSettings;

namespace Switchboard::Core {

class SecretStore;

// The backends and routes the window saves and both modes read, in the shared settings:
//   gateway/config  the config as GatewayConfig::toJson writes it, without keys;
//   gateway/probed  whether the first-start offer of local servers was made.
// Keys are in a SecretStore under the backend's name.
namespace SavedGateway {

inline constexpr QStringView ConfigKey = u"gateway/config";
inline constexpr QStringView ProbedKey = u"gateway/probed";

bool exists(const QSettings &settings);
// The saved backends and routes, without keys; an error names the settings file.
Result<GatewayConfig, QString> load(const QSettings &settings);
// Saves backends and routes. Keys and access options are left out: keys belong in the secret store,
// and who may call Switchboard is the command line's business.
void save(QSettings &settings, const GatewayConfig &config);

// Reads every backend's key from `secrets`, registers it with the Redactor so that no log can show
// it, and hands back the config with its keys and what could not be read (a backend whose key is
// missing still runs, and its upstream says 401).
void loadKeys(GatewayConfig config, SecretStore &secrets,
              std::function<void(GatewayConfig config, QStringList problems)> done);

} // namespace SavedGateway

} // namespace Switchboard::Core
