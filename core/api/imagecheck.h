// SPDX-License-Identifier: MIT
#pragma once

#include "contentblock.h"

#include <QtCore/QByteArray>

#include <optional>

namespace Switchboard::Core {

// What the Messages API refuses in a base64 image before any model sees it, with its words: empty
// data, data that is not base64, more than 5 MB of it, bytes that are no PNG, JPEG, GIF or WebP or
// not the media type the client named, and a side over `maxSide` pixels. Checked here so a backend
// never gets (and a client never pays for) an image the API itself would not take.
namespace ImageCheck {

constexpr qsizetype MaxBase64Bytes = 5 * 1024 * 1024;
constexpr int MaxSide = 8000;
// Requests with more than this many images allow only MaxSideWhenMany pixels a side.
constexpr std::size_t ManyImages = 20;
constexpr int MaxSideWhenMany = 2000;

// Why the API would refuse `source` (a base64 image), or nothing. `longestSide` gets the image's
// longest side in pixels (0 when the header does not say), for the many-images rule.
std::optional<QByteArray> problem(const MediaSource &source, int &longestSide);

} // namespace ImageCheck

} // namespace Switchboard::Core
