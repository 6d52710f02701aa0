// SPDX-License-Identifier: MIT
#pragma once

#include "contentblock.h"

#include <QtCore/QByteArrayView>
#include <QtCore/QSize>

#include <optional>

namespace Switchboard::Core {

// What can be told about an image without decoding it: its byte size and, from the PNG, GIF, JPEG
// or WebP header, its dimensions.
struct ImageInfo
{
    qsizetype bytes = 0;
    int width = 0;
    int height = 0;

    bool hasSize() const { return width > 0 && height > 0; }

    // Dimensions from the first bytes of an encoded image.
    static std::optional<QSize> dimensions(QByteArrayView encoded);
    // "image/png", "image/jpeg", "image/gif" or "image/webp" from the file's signature; empty when
    // it is none of those.
    static QByteArray mediaTypeOf(QByteArrayView encoded);
    // For a base64 source: the decoded size and, when the header is readable, the dimensions.
    static ImageInfo of(const MediaSource &source);

    // Anthropic's vision cost: width × height / 750 after scaling to at most 1568 px on the long
    // edge and about 1.19 megapixels (1092 × 1092); 1,600 when the size is unknown.
    int estimatedTokens() const;
};

} // namespace Switchboard::Core
