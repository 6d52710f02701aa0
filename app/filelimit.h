// SPDX-License-Identifier: MIT
#pragma once

namespace Switchboard::App {

// Raises the soft limit on open files to the hard limit. Every relayed stream holds two sockets,
// and desktop sessions often start programs with a soft limit of 1024.
void raiseOpenFileLimit();

} // namespace Switchboard::App
