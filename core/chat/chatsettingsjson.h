// SPDX-License-Identifier: MIT
#pragma once

#include "chatsettings.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <optional>

namespace Switchboard::Core::ChatSettingsJson {

// Compact JSON with the API's field names. An unset optional is left out, so that it reads back
// unset rather than as 0.
QByteArray write(const ChatSettings &settings);

// The settings in `json`; a missing field keeps its default. Nothing when `json` is not an object
// or a field has the wrong type.
std::optional<ChatSettings> read(QByteArrayView json);

} // namespace Switchboard::Core::ChatSettingsJson
