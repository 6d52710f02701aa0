// SPDX-License-Identifier: MIT
#pragma once

class QSettings;

namespace Switchboard::App {

struct CommandLine;

// `switchboard --headless`: serves the API on the main thread until SIGINT or SIGTERM, then stops
// accepting, lets open connections finish their responses (up to a deadline) and exits with 0. It
// serves the backends saved from the window unless the command line names others.
int runHeadless(const CommandLine &options, QSettings &settings);

} // namespace Switchboard::App
