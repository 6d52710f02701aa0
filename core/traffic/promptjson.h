// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

#include <simdjson.h>

namespace Switchboard::Core::PromptJson {

enum Option
{
    AsSent = 0,
    // A client moves its cache breakpoint every turn; the prompt's text does not change with it.
    DropCacheControl = 1,
    // A string `content` is written as the one text block it means, so `"content":"x"` and
    // `"content":[{"type":"text","text":"x"}]` compare equal.
    TextBlocks = 2,
};

// A part of a prompt as the comparison sees it: compact JSON, keys in their original order.
QByteArray canonical(simdjson::dom::element element, int options);

// `[{"type":"text","text":…}]`: what a string `content` or `system` means.
QByteArray textBlock(QByteArrayView text);

// A short stable digest of some bytes, for keys (not for security).
QByteArray digest(QByteArrayView bytes);

} // namespace Switchboard::Core::PromptJson
