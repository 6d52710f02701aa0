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
    // `"content":[{"type":"text","text":"x"}]` compare equal; a text block's keys in either order.
    TextBlocks = 2,
    // Claude Code's attribution line (`x-anthropic-billing-header: …; cch=…;`) carries a value that
    // changes on every request and that Anthropic's cache does not count; Switchboard masks it for
    // Chat Completions backends. Comparing it would call every turn a new system prompt.
    MaskAttributionNonce = 4,
    // How the client's requests are compared.
    ClientRequest = DropCacheControl | TextBlocks | MaskAttributionNonce,
};

// A part of a prompt as the comparison sees it: compact JSON, keys in their original order.
QByteArray canonical(simdjson::dom::element element, int options);

// A `content` or `system` value: with TextBlocks, a string is written as its text block.
QByteArray canonicalContent(simdjson::dom::element element, int options);

// `[{"type":"text","text":…}]`: what a string `content` or `system` means.
QByteArray textBlock(QByteArrayView text);

// `text` with the attribution line's `cch=` value replaced by a constant; other text unchanged.
QByteArray maskAttributionNonce(QByteArrayView text);

// A short stable digest of some bytes, for keys (not for security).
QByteArray digest(QByteArrayView bytes);

} // namespace Switchboard::Core::PromptJson
