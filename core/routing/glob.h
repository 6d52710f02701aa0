// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// Shell-style matching for model names: `*` matches any run of characters, `?` one character.
bool globMatch(QByteArrayView pattern, QByteArrayView text);
bool isGlobPattern(QByteArrayView pattern);

} // namespace Switchboard::Core
