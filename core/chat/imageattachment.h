// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <optional>

namespace Switchboard::Core::ImageAttachment {

// The API's limit for one image sent as base64.
inline constexpr qsizetype MaxBytes = 5 * 1024 * 1024;

struct Result
{
    std::optional<ChatImage> image;
    QString error; // why there is no image, in words for the user
};

// `bytes` (an encoded image) as an attachment. The type is told from the bytes, not the file name,
// and must be one the API takes: PNG, JPEG, GIF or WebP, of at most MaxBytes.
Result fromBytes(const QByteArray &bytes, const QString &fileName);
// The file at `path`, read and checked as fromBytes does.
Result fromFile(const QString &path);

// The media type of `bytes`, from their signature; empty for anything else.
QString mediaTypeOf(const QByteArray &bytes);

} // namespace Switchboard::Core::ImageAttachment
