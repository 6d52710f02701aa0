// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// Compares secrets without an early exit, so response time says nothing about how much matched.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace Switchboard::Core
