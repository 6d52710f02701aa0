// SPDX-License-Identifier: MIT
#pragma once

namespace Switchboard::App {

struct CommandLine;

// `switchboard`: the window, with the gateway on a worker thread.
int runGui(const CommandLine &options);

} // namespace Switchboard::App
