// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

namespace Switchboard::Core {

// What a backend translation did to a request: the client's JSON and the upstream JSON flattened
// to paths (`messages[0].content[1].text`) and compared leaf by leaf.
struct RequestDiffRow
{
    enum class Kind
    {
        Same,
        Rewritten, // the path exists on both sides with different values
        Dropped,   // only in the client's request
        Added,     // only in the upstream request
    };
    QString path;
    QString clientValue;
    QString upstreamValue;
    Kind kind = Kind::Same;
};

namespace RequestDiff {

// Rows in the client's order, then what the upstream added. Bodies that are not JSON compare as one
// row at path "(body)".
QList<RequestDiffRow> compare(const QByteArray &clientBody, const QByteArray &upstreamBody);

} // namespace RequestDiff

} // namespace Switchboard::Core
