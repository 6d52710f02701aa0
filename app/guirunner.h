// SPDX-License-Identifier: MIT
#pragma once

class QSettings;

namespace Switchboard::App {

struct CommandLine;

// `switchboard`: the window, with the gateway on a worker thread.
int runGui(const CommandLine &options, QSettings &settings);

} // namespace Switchboard::App
