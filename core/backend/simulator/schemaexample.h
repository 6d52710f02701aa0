// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Switchboard::Core::SchemaExample {

// A small JSON value that satisfies a tool's JSON Schema: `const`, `default` or the first `enum`
// value where given; otherwise required properties (all properties when none are marked), minimum
// numbers, `minItems` array items, the first alternative of anyOf/oneOf. Strings are "example",
// or `quoted` for the first string property when the prompt quoted something.
QByteArray forSchema(QByteArrayView schema, QByteArrayView quoted = {});

} // namespace Switchboard::Core::SchemaExample
