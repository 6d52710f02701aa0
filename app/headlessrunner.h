// SPDX-License-Identifier: MIT
#pragma once

namespace Switchboard::App {

struct CommandLine;

// `switchboard --headless`: serves the API on the main thread until SIGINT or SIGTERM, then stops
// accepting, lets open connections finish their responses (up to a deadline) and exits with 0.
int runHeadless(const CommandLine &options);

} // namespace Switchboard::App
