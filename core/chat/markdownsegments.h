// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

namespace Switchboard::Core {

// A reply split at its fenced code blocks, so a view can give code its own frame and a copy
// button while prose is rendered as Markdown. A fence still open (a reply mid-stream) runs to the
// end of the text.
struct MarkdownSegment
{
    enum class Kind
    {
        Prose,
        Code,
    };
    Kind kind = Kind::Prose;
    QString text;     // for code: the code alone, without the fences
    QString language; // the fence's info string, for code
    bool closed = true;

    bool operator==(const MarkdownSegment &) const = default;
};

namespace MarkdownSegments {

QList<MarkdownSegment> split(const QString &markdown);

} // namespace MarkdownSegments

} // namespace Switchboard::Core
