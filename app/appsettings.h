// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <memory>

class QSettings;

namespace Switchboard::App {

struct CommandLine;

// The settings the window writes and both modes read: QSettings in the user's config directory,
// or an INI file in --data-dir.
std::unique_ptr<QSettings> openSettings(const CommandLine &options);
// Where conversations are kept: the user's data directory, or --data-dir.
QString conversationsPath(const CommandLine &options);
// The address saved from the window's server panel, unless --host or --port was given.
void applySavedAddress(CommandLine &options, const QSettings &settings);

} // namespace Switchboard::App
