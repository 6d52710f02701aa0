// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"
#include "routing/gatewayconfig.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>

class QSettings;

namespace Switchboard::Core {
class SecretStore;
} // namespace Switchboard::Core

namespace Switchboard::App {

struct CommandLine;

// The settings the window writes and both modes read: QSettings in the user's config directory,
// or an INI file in --data-dir.
std::unique_ptr<QSettings> openSettings(const CommandLine &options);
// Where conversations are kept: the user's data directory, or --data-dir.
QString conversationsPath(const CommandLine &options);
// The address saved from the window's server panel, unless --host or --port was given.
void applySavedAddress(CommandLine &options, const QSettings &settings);

// The backends to serve, the same way in both modes: the command line's if it names any, else the
// ones saved from the window (with their keys from `secrets`, waited for here), else the simulator.
// Keys that cannot be read are reported in `problems`; their backends run without them.
Core::Result<Core::GatewayConfig, QString> resolveGatewayConfig(const CommandLine &options, const QSettings &settings,
                                                                Core::SecretStore &secrets, QStringList &problems);

} // namespace Switchboard::App
