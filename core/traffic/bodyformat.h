// SPDX-License-Identifier: MIT
#pragma once

#include "capturedmessage.h"

#include <QtCore/QString>

namespace Switchboard::Core {

// How the inspector shows captured bodies. Widgets never parse JSON or SSE; they ask here.
namespace BodyFormat {

// A JSON body indented for reading, keeping its keys in wire order and its values byte for byte (a
// reordered tool schema would misreport what was sent). Anything else comes back as text, as sent.
QString prettyBody(const QByteArray &body, const HttpHeaders &headers);

// The text a stream delivered, assembled from its events:
//  - Anthropic streams: each content block in index order, text as is, thinking as "[thinking]" and
//    tool calls as "[tool_use name]" followed by their input JSON, blocks separated by a blank line;
//    an `error` event as "[error] message";
//  - OpenAI chat streams: choices[0].delta.content (reasoning as "[thinking]", tool calls as
//    "[tool_call name]" followed by their arguments).
// Events that carry no text are skipped; an event whose data is not JSON is ignored.
QString assembledText(const QList<CapturedSseEvent> &events);

} // namespace BodyFormat

} // namespace Switchboard::Core
