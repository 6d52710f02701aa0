// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"
#include "chat/chatsettings.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringView>

namespace Switchboard::Core {

// The playground's "Get code": the request a conversation would make, as code to paste elsewhere
// (curl, the Python SDK, the TypeScript SDK) aimed at a Switchboard endpoint. The snippets are
// rendered from requestBody(), the one place that says what the chat sends, so they cannot drift
// from it. A key is never written into a snippet: they read ANTHROPIC_API_KEY.
class CodeSnippets
{
public:
    enum class KeyPolicy
    {
        // The endpoint takes any key (loopback, no key configured). The SDKs refuse to start
        // without one, so they fall back to the placeholder "switchboard" and run with no setup.
        Placeholder,
        // The endpoint checks keys. A placeholder would only earn a 401, so the SDK snippets
        // require ANTHROPIC_API_KEY and fail before sending when it is unset.
        Required,
    };

    // The Messages API body the chat sends for `messages` with `settings`, compact. Turns are
    // ChatRequest::turns(): text, and content blocks for images and tool calls and results
    // (thinking only signed, beside the calls it led to); failed replies and empty turns are left
    // out. Unset optional settings, an empty system prompt and empty stop sequences are omitted;
    // max_tokens and model are always present, "stream": true only when streaming, tools and
    // tool_choice only with tools, and thinking only with a budget.
    static QByteArray requestBody(const ChatSettings &settings, const QList<ChatMessage> &messages);

    // POST {baseUrl}/v1/messages for a POSIX shell, the body as one single-quoted argument. It needs
    // no key policy: with ANTHROPIC_API_KEY unset curl leaves the empty header out, which a keyless
    // endpoint accepts and a checking one answers with a 401 that says why.
    static QString curl(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages);
    // The anthropic package: messages.create, or messages.stream printing text as it arrives.
    static QString python(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages,
                          KeyPolicy policy = KeyPolicy::Placeholder);
    // @anthropic-ai/sdk as an ES module with top-level await. Free of type annotations, so the
    // same text runs as JavaScript.
    static QString typeScript(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages,
                              KeyPolicy policy = KeyPolicy::Placeholder);
};

} // namespace Switchboard::Core
