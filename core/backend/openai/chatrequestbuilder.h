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

// How a mid-conversation `role: "system"` message is sent. Many chat templates refuse a system
// message that is not the first (Qwen3.5's, gemma's), so the default is the user role, marked the
// way Claude Code marks its own reminders.
enum class SystemMessageRole
{
    User,      // {"role":"user","content":"<system-reminder>\n…\n</system-reminder>"}
    System,    // in place as {"role":"system"}, for servers whose templates take it
    Developer, // in place as {"role":"developer"} (OpenAI's newer models)
};

struct ChatRequestOptions
{
    QByteArray upstreamModel;
    bool stream = true;
    ThinkingStyle thinkingStyle = ThinkingStyle::Both;
    SystemMessageRole systemMessageRole = SystemMessageRole::User;
    // Joins consecutive user (or assistant) turns into one message, for chat templates that demand
    // strict alternation. Off by default: a joined turn changes when the next request adds to it, and
    // the engine then re-reads from there.
    bool mergeConsecutiveTurns = false;
};

// A translated request and what the translation could not carry over, in words, for the
// inspector ("dropped 1 redacted_thinking block").
struct ChatRequest
{
    QByteArray body;
    std::vector<QByteArray> notes;
};

// Anthropic Messages → OpenAI Chat Completions. A pure function over the typed request, and
// prefix-stable: every client message becomes its own upstream message(s), rendered from it and the
// messages before it only, so a request that extends the previous one yields upstream messages that
// extend the previous upstream messages byte for byte (ARCHITECTURE.md, "The prompt prefix"):
// - system blocks become one leading system message; `role: system` entries stay in place
//   (see SystemMessageRole);
// - consecutive turns of one role stay separate unless mergeConsecutiveTurns asks otherwise;
// - a user turn's tool_result blocks become `tool` messages placed first, right after the
//   assistant turn that called them, and the rest of the turn follows as a user message;
// - assistant tool_use → tool_calls, thinking → reasoning_content;
// - images → image_url (base64 as a data URI, URLs passed on, never fetched);
// - text documents → text; binary documents have no Chat Completions form and are refused (400);
// - `stop_sequences` are not sent: Switchboard matches them itself (servers hide which one fired).
Result<ChatRequest> buildChatRequest(const MessagesRequest &request, const ChatRequestOptions &options);

} // namespace Switchboard::Core
