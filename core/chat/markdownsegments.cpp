// SPDX-License-Identifier: MIT
#include "markdownsegments.h"

#include <QtCore/QStringView>

#include <optional>

namespace Switchboard::Core::MarkdownSegments {

namespace {

// A fence opener or closer (CommonMark): up to three spaces, then three or more ` or ~.
struct Fence
{
    QChar marker;
    qsizetype length = 0;
    QString info;
};

std::optional<Fence> fenceAt(QStringView line)
{
    qsizetype i = 0;
    while (i < line.size() && i < 3 && line[i] == u' ') {
        ++i;
    }
    if (i >= line.size() || (line[i] != u'`' && line[i] != u'~')) {
        return std::nullopt;
    }
    const QChar marker = line[i];
    qsizetype length = 0;
    while (i + length < line.size() && line[i + length] == marker) {
        ++length;
    }
    if (length < 3) {
        return std::nullopt;
    }
    const QString info = line.sliced(i + length).trimmed().toString();
    if (marker == u'`' && info.contains(u'`')) {
        return std::nullopt; // not a fence: an inline code span
    }
    return Fence{marker, length, info.section(u' ', 0, 0)};
}

} // namespace

QList<MarkdownSegment> split(const QString &markdown)
{
    QList<MarkdownSegment> segments;
    MarkdownSegment current;
    std::optional<Fence> open;
    const auto flush = [&] {
        if (current.kind == MarkdownSegment::Kind::Code || !current.text.trimmed().isEmpty()) {
            if (current.text.endsWith(u'\n')) {
                current.text.chop(1);
            }
            segments.append(current);
        }
        current = {};
    };
    qsizetype start = 0;
    while (start <= markdown.size()) {
        qsizetype end = markdown.indexOf(u'\n', start);
        const bool last = end < 0;
        if (last) {
            end = markdown.size();
        }
        const QStringView line = QStringView(markdown).sliced(start, end - start);
        const auto fence = fenceAt(line);
        if (!open && fence) {
            flush();
            open = fence;
            current.kind = MarkdownSegment::Kind::Code;
            current.language = fence->info;
            current.closed = false;
        } else if (open && fence && fence->marker == open->marker && fence->length >= open->length &&
                   fence->info.isEmpty()) {
            current.closed = true;
            open.reset();
            flush();
        } else {
            current.text += line;
            if (!last) {
                current.text += u'\n';
            }
        }
        if (last) {
            break;
        }
        start = end + 1;
    }
    flush();
    return segments;
}

} // namespace Switchboard::Core::MarkdownSegments
