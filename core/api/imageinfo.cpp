// SPDX-License-Identifier: MIT
#include "imageinfo.h"

#include <cmath>

namespace Switchboard::Core {

namespace {

quint32 bigEndian(QByteArrayView bytes, qsizetype at, int size)
{
    quint32 value = 0;
    for (int i = 0; i < size; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

quint32 littleEndian(QByteArrayView bytes, qsizetype at, int size)
{
    quint32 value = 0;
    for (int i = size - 1; i >= 0; --i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

std::optional<QSize> jpegDimensions(QByteArrayView bytes)
{
    qsizetype at = 2;
    while (at + 9 < bytes.size()) {
        if (static_cast<unsigned char>(bytes[at]) != 0xFF) {
            return std::nullopt;
        }
        const auto marker = static_cast<unsigned char>(bytes[at + 1]);
        if (marker == 0xFF) {
            ++at; // fill byte
            continue;
        }
        const qsizetype length = bigEndian(bytes, at + 2, 2);
        // Start-of-frame markers (not DHT C4, JPG C8, DAC CC) carry height then width.
        const bool startOfFrame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame) {
            return QSize(int(bigEndian(bytes, at + 7, 2)), int(bigEndian(bytes, at + 5, 2)));
        }
        if (length < 2) {
            return std::nullopt;
        }
        at += 2 + length;
    }
    return std::nullopt;
}

std::optional<QSize> webpDimensions(QByteArrayView bytes)
{
    if (bytes.size() < 30) {
        return std::nullopt;
    }
    const QByteArrayView chunk = bytes.sliced(12, 4);
    if (chunk == "VP8 ") {
        return QSize(int(littleEndian(bytes, 26, 2) & 0x3FFF), int(littleEndian(bytes, 28, 2) & 0x3FFF));
    }
    if (chunk == "VP8L") {
        const quint32 bits = littleEndian(bytes, 21, 4);
        return QSize(int((bits & 0x3FFF) + 1), int(((bits >> 14) & 0x3FFF) + 1));
    }
    if (chunk == "VP8X") {
        return QSize(int(littleEndian(bytes, 24, 3) + 1), int(littleEndian(bytes, 27, 3) + 1));
    }
    return std::nullopt;
}

} // namespace

std::optional<QSize> ImageInfo::dimensions(QByteArrayView bytes)
{
    if (bytes.size() >= 24 && bytes.startsWith("\x89PNG\r\n\x1a\n")) {
        return QSize(int(bigEndian(bytes, 16, 4)), int(bigEndian(bytes, 20, 4)));
    }
    if (bytes.size() >= 10 && (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a"))) {
        return QSize(int(littleEndian(bytes, 6, 2)), int(littleEndian(bytes, 8, 2)));
    }
    if (bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
        static_cast<unsigned char>(bytes[1]) == 0xD8) {
        return jpegDimensions(bytes);
    }
    if (bytes.size() >= 16 && bytes.startsWith("RIFF") && bytes.sliced(8, 4) == "WEBP") {
        return webpDimensions(bytes);
    }
    return std::nullopt;
}

QByteArray ImageInfo::mediaTypeOf(QByteArrayView bytes)
{
    if (bytes.startsWith("\x89PNG\r\n\x1a\n")) {
        return "image/png";
    }
    if (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a")) {
        return "image/gif";
    }
    if (bytes.startsWith("\xFF\xD8\xFF")) {
        return "image/jpeg";
    }
    if (bytes.size() >= 12 && bytes.startsWith("RIFF") && bytes.sliced(8, 4) == "WEBP") {
        return "image/webp";
    }
    return {};
}

ImageInfo ImageInfo::of(const MediaSource &source)
{
    ImageInfo info;
    if (source.kind != MediaSource::Kind::Base64) {
        return info;
    }
    const QByteArray &data = source.data;
    qsizetype padding = data.endsWith("==") ? 2 : data.endsWith('=') ? 1 : 0;
    info.bytes = data.size() / 4 * 3 - padding;
    // JPEG frame headers can sit behind large EXIF blocks: look at the first 96 KB of data.
    const qsizetype prefix = qMin<qsizetype>(data.size(), 128 * 1024) / 4 * 4;
    if (const auto size = dimensions(QByteArray::fromBase64(data.left(prefix)))) {
        info.width = size->width();
        info.height = size->height();
    }
    return info;
}

int ImageInfo::estimatedTokens() const
{
    if (!hasSize()) {
        return 1600;
    }
    double width = this->width;
    double height = this->height;
    const double longEdge = std::max(width, height);
    if (longEdge > 1568) {
        width *= 1568 / longEdge;
        height *= 1568 / longEdge;
    }
    constexpr double MaxPixels = 1092.0 * 1092.0; // the largest square the API takes unscaled
    if (width * height > MaxPixels) {
        const double scale = std::sqrt(MaxPixels / (width * height));
        width *= scale;
        height *= scale;
    }
    return std::max(1, int(std::ceil(width * height / 750)));
}

} // namespace Switchboard::Core
