// SPDX-License-Identifier: MIT
// The harness's own prefix-stable translation of the client's conversation to Chat Completions
// messages, the agreed one: every client message in place and unmerged, a mid-conversation system
// message as a user message wrapped in <system-reminder>. It only covers what agent-script.mjs sends
// (text, tool_use, tool_result, thinking). The harness renders it to count the tokens a turn really
// adds, whatever Switchboard sent: counting them on Switchboard's own prompts would call "new" exactly
// what a prompt-changing translation made the engine re-read.

function text(content) {
  if (typeof content === 'string') return content;
  return content.filter((block) => block.type === 'text').map((block) => block.text).join('');
}

function assistantMessage(content) {
  const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  const body = text(blocks);
  const reasoning = blocks.filter((block) => block.type === 'thinking').map((block) => block.thinking).join('');
  const toolUses = blocks.filter((block) => block.type === 'tool_use');
  const message = { role: 'assistant', content: body === '' && toolUses.length > 0 ? null : body };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolUses.length > 0) {
    message.tool_calls = toolUses.map((use) => ({
      id: use.id,
      type: 'function',
      function: { name: use.name, arguments: JSON.stringify(use.input) },
    }));
  }
  return message;
}

function userMessages(content) {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const out = content
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({ role: 'tool', tool_call_id: block.tool_use_id, content: text(block.content) }));
  const rest = text(content.filter((block) => block.type !== 'tool_result'));
  if (rest !== '') out.push({ role: 'user', content: rest });
  return out;
}

export function referenceChatMessages(system, messages) {
  const out = [{ role: 'system', content: system }];
  for (const message of messages) {
    if (message.role === 'assistant') out.push(assistantMessage(message.content));
    else if (message.role === 'system') {
      out.push({ role: 'user', content: `<system-reminder>\n${text(message.content)}\n</system-reminder>` });
    } else out.push(...userMessages(message.content));
  }
  return out;
}
