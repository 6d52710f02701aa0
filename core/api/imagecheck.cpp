// SPDX-License-Identifier: MIT
#include "imagecheck.h"

#include "imageinfo.h"

namespace Switchboard::Core::ImageCheck {

std::optional<QByteArray> problem(const MediaSource &source, int &longestSide)
{
    longestSide = 0;
    const QByteArray &data = source.data;
    if (data.isEmpty()) {
        return QByteArray("image cannot be empty");
    }
    if (data.size() > MaxBase64Bytes) {
        return "image exceeds 5 MB maximum: " + QByteArray::number(data.size()) + " bytes > " +
               QByteArray::number(MaxBase64Bytes) + " bytes";
    }
    const auto decoded = QByteArray::fromBase64Encoding(data, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        return QByteArray("Could not process image: the data is not valid base64");
    }
    const QByteArray actual = ImageInfo::mediaTypeOf(decoded.decoded);
    if (actual.isEmpty()) {
        return QByteArray("Could not process image: the data is not a PNG, JPEG, GIF or WebP image");
    }
    if (actual != source.mediaType) {
        return "Image does not match the provided media type " + source.mediaType + ": the data is " + actual;
    }
    if (const auto size = ImageInfo::dimensions(decoded.decoded)) {
        longestSide = std::max(size->width(), size->height());
        if (longestSide > MaxSide) {
            return "At least one of the image dimensions exceed max allowed size: " + QByteArray::number(MaxSide) +
                   " pixels";
        }
    }
    return std::nullopt;
}

} // namespace Switchboard::Core::ImageCheck
