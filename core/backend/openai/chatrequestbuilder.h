// SPDX-License-Identifier: MIT
#pragma once

#include "api/messagesrequest.h"
#include "api/result.h"

#include <QtCore/QByteArray>

#include <vector>

namespace Switchboard::Core {

// How a Chat Completions server is asked to think (servers differ, and strict ones reject
// parameters they do not know).
enum class ThinkingStyle
{
    None,               // never send a reasoning switch
    ChatTemplateKwargs, // chat_template_kwargs.enable_thinking (llama.cpp, vLLM, SGLang)
    ReasoningEffort,    // reasoning_effort (OpenAI, Ollama)
    Both,
};

struct ChatRequestOptions
{
    QByteArray upstreamModel;
    bool stream = true;
    ThinkingStyle thinkingStyle = ThinkingStyle::Both;
};

// A translated request and what the translation could not carry over, in words, for the
// inspector ("dropped 1 redacted_thinking block").
struct ChatRequest
{
    QByteArray body;
    std::vector<QByteArray> notes;
};

// Anthropic Messages → OpenAI Chat Completions. A pure function over the typed request:
// - system blocks (and folded `role: system` entries) become one leading system message;
// - consecutive turns of one role are merged, as the Messages API itself does;
// - a user turn's tool_result blocks become `tool` messages placed first, right after the
//   assistant turn that called them, and the rest of the turn follows as a user message;
// - assistant tool_use → tool_calls, thinking → reasoning_content;
// - images → image_url (base64 as a data URI, URLs passed on, never fetched);
// - text documents → text; binary documents have no Chat Completions form and are refused (400);
// - `stop_sequences` are not sent: Switchboard matches them itself (servers hide which one fired).
Result<ChatRequest> buildChatRequest(const MessagesRequest &request, const ChatRequestOptions &options);

} // namespace Switchboard::Core
