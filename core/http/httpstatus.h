// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace Switchboard::Core::HttpStatus {

QByteArray reasonPhrase(int status);

} // namespace Switchboard::Core::HttpStatus
