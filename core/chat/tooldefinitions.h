// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Switchboard::Core::ToolDefinitions {

// Why `json` is not a usable `tools` array, or an empty string when it is (blank text is: no
// tools). It must be an array of objects, each with a unique non-empty "name" and, for a custom
// tool (no "type", or "custom"), an "input_schema" object; server tools (web_search_…, bash_…) carry
// a "type" and need no schema.
QString problem(const QString &json);

// The names of the tools in `json`, in order; none when it is not valid.
QStringList names(const QString &json);

// `json` indented for reading, keys in the order written; the text as is when it is not JSON.
QString pretty(const QString &json);

} // namespace Switchboard::Core::ToolDefinitions
