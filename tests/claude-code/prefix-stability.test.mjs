// SPDX-License-Identifier: MIT
// Claude Code's real traffic, turn after turn: `claude -p` works through a session of eight tool turns
// (Bash, Read, Skill, Agent, Bash + Read, Write, Edit, Bash) against a scripted OpenAI-compatible backend,
// with a recording proxy between it and a headless Switchboard, so the test holds both legs of every
// exchange. It then checks on what was actually sent that the translation is prefix-stable: when Claude
// Code's request N+1 extends request N, Switchboard's upstream body for N+1 starts with the very bytes of
// N's messages, so a local engine reuses its prefix (KV) cache instead of re-reading the conversation
// every turn; and that Claude Code's mid-conversation `role: "system"` messages stay where they are.
// Run by hand: SWITCHBOARD_TRAFFIC_DIR=/tmp/legs node --test prefix-stability.test.mjs keeps both legs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';

import { startSwitchboard } from '../conformance/harness.mjs';

const run = promisify(execFile);
const claude = fileURLToPath(new URL('./node_modules/.bin/claude', import.meta.url));

const sent = []; // every POST /v1/messages Claude Code sent: { raw, body }
const upstream = []; // every chat completion Switchboard asked for: { client: index into `sent`, raw, body }
let forwarding = -1; // the index in `sent` of the request the proxy is forwarding now
let project;
let home;
let backend;
let proxy;
let server;
let stdout;

// What the main agent asks a background subagent, which answers at once. The subagent's requests are a
// thread of their own (another system prompt); when it is done, Claude Code tells the main agent with a
// mid-conversation `role: "system"` message ("[SYSTEM NOTIFICATION - NOT USER INPUT]…") in a later turn:
// folded into the top system message, that grows it and every cached token after it is lost.
const subagentTask = 'Count the files in this project.';

// The session the scripted model works through: one turn per step, each step a list of tool calls.
function steps() {
  const file = (name) => join(project, name);
  const background = { run_in_background: true };
  return [
    [['Bash', { command: `ls ${project}`, description: 'List the project files' }]],
    [['Read', { file_path: file('alpha.txt') }]],
    [['Skill', { skill: 'tidy' }]],
    [['Agent', { description: 'Count the files', prompt: subagentTask, subagent_type: 'Explore', ...background }]],
    // Two calls in one turn: their results come back together in one user message.
    [
      ['Bash', { command: `wc -l ${file('beta.md')}`, description: 'Count the lines of beta.md' }],
      ['Read', { file_path: file('beta.md') }],
    ],
    [['Write', { file_path: file('notes.txt'), content: 'notes\n' }]],
    [['Edit', { file_path: file('alpha.txt'), old_string: 'a', new_string: 'alpha' }]],
    [['Bash', { command: `cat ${file('notes.txt')} ${file('alpha.txt')}`, description: 'Show the notes and alpha' }]],
  ];
}

// The next step follows from the tool results the request carries, not from counting requests, so
// Claude Code's side requests and its own extra messages do not throw the script off.
function answer(body, write) {
  if (body.messages.some((message) => message.role === 'user' && textOf(message.content).includes(subagentTask))) {
    write({ delta: { content: 'Two files.' } });
    write({ delta: {}, finish_reason: 'stop' });
    return;
  }
  if (!(body.tools ?? []).some((tool) => tool.function?.name === 'Bash')) {
    write({ delta: { content: 'ok' } });
    write({ delta: {}, finish_reason: 'stop' });
    return;
  }
  const results = new Map(); // step → the output of its first call
  for (const message of body.messages) {
    const call = message.role === 'tool' && /^call_step(\d+)_0$/.exec(message.tool_call_id);
    if (call) results.set(Number(call[1]), message.content);
  }
  const next = results.size === 0 ? 0 : Math.max(...results.keys()) + 1;
  const script = steps();
  if (next >= script.length) {
    // Claude Code may append a <system-reminder> to tool output; quote the output's plain lines only.
    const lines = results.get(script.length - 1).split('\n').filter((line) => /^[a-z]+$/.test(line));
    write({ delta: { content: `Done: ${lines.join(', ')}.` } });
    write({ delta: {}, finish_reason: 'stop' });
    return;
  }
  // A thinking model: reasoning first, which Claude Code sends back as a signed thinking block.
  write({ delta: { reasoning_content: `Step ${next + 1} comes next.` } });
  write({ delta: { content: `Step ${next + 1}.` } });
  script[next].forEach(([name, input], index) => {
    const id = `call_step${next}_${index}`;
    write({ delta: { tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] } });
    const args = JSON.stringify(input);
    for (let i = 0; i < args.length; i += 16) {
      write({ delta: { tool_calls: [{ index, function: { arguments: args.slice(i, i + 16) } }] } });
    }
  });
  write({ delta: {}, finish_reason: 'tool_calls' });
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

// Claude Code → proxy → Switchboard. Requests are forwarded one at a time, so each upstream call
// belongs to the client request in flight when it arrives.
let queue = Promise.resolve();
function relay(request, response) {
  readBody(request).then(
    (raw) => (queue = queue.then(() => forward(request, raw, response))),
    () => response.destroy(),
  );
}

function forward(request, raw, response) {
  const isMessages = request.method === 'POST' && new URL(request.url, server.url).pathname === '/v1/messages';
  forwarding = isMessages ? sent.push({ raw, body: JSON.parse(raw) }) - 1 : -1;
  const target = new URL(server.url);
  return new Promise((resolve) => {
    response.on('close', resolve);
    const headers = { ...request.headers, host: target.host };
    const options = { host: target.hostname, port: target.port, method: request.method, path: request.url, headers };
    const outgoing = httpRequest(options, (answered) => {
      response.writeHead(answered.statusCode, answered.headers);
      answered.pipe(response);
    });
    outgoing.on('error', (error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
    outgoing.end(raw);
  });
}

// --- The raw JSON text, as Switchboard wrote it -------------------------------------------------
// Byte ranges of the top-level members and of array elements, found by scanning the bytes (structural
// characters are ASCII, which never occurs inside a multi-byte UTF-8 sequence).

function isSpace(byte) {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(raw, at) {
  while (at < raw.length && isSpace(raw[at])) ++at;
  return at;
}

function skipString(raw, at) {
  for (++at; at < raw.length && raw[at] !== 0x22; ++at) {
    if (raw[at] === 0x5c) ++at;
  }
  if (at >= raw.length) throw new Error('unterminated JSON string');
  return at + 1;
}

// The end (exclusive) of the JSON value starting at `at`.
function skipValue(raw, at) {
  const first = raw[at];
  if (first === 0x22) return skipString(raw, at);
  if (first !== 0x7b && first !== 0x5b) {
    while (at < raw.length && !isSpace(raw[at]) && raw[at] !== 0x2c && raw[at] !== 0x5d && raw[at] !== 0x7d) ++at;
    return at;
  }
  let depth = 0;
  while (at < raw.length) {
    const byte = raw[at];
    if (byte === 0x22) {
      at = skipString(raw, at);
      continue;
    }
    ++at;
    if (byte === 0x7b || byte === 0x5b) ++depth;
    if ((byte === 0x7d || byte === 0x5d) && --depth === 0) return at;
  }
  throw new Error('unterminated JSON value');
}

// { key: [start, end) } for the object at `at`.
function memberRanges(raw, at = skipSpace(raw, 0)) {
  const members = {};
  at = skipSpace(raw, at + 1);
  while (raw[at] !== 0x7d) {
    const keyEnd = skipString(raw, at);
    const key = JSON.parse(raw.subarray(at, keyEnd).toString());
    at = skipSpace(raw, keyEnd);
    assert.equal(raw[at], 0x3a, 'a colon after an object key');
    const start = skipSpace(raw, at + 1);
    const end = skipValue(raw, start);
    members[key] = [start, end];
    at = skipSpace(raw, end);
    if (raw[at] === 0x2c) at = skipSpace(raw, at + 1);
  }
  return members;
}

// [start, end) of each element of the array spanning `range`.
function elementRanges(raw, [start, end]) {
  const elements = [];
  let at = skipSpace(raw, start + 1);
  while (at < end - 1) {
    const elementEnd = skipValue(raw, at);
    elements.push([at, elementEnd]);
    at = skipSpace(raw, elementEnd);
    if (raw[at] === 0x2c) at = skipSpace(raw, at + 1);
  }
  return elements;
}

// One upstream body as byte ranges: `messages` (one range per element) and `tools`.
function upstreamLayout(call) {
  const members = memberRanges(call.raw);
  const messages = elementRanges(call.raw, members.messages);
  // The scanner must agree with JSON.parse, or the comparisons below compare the wrong bytes.
  assert.equal(messages.length, call.body.messages.length);
  messages.forEach(([start, end], i) => {
    assert.deepEqual(JSON.parse(call.raw.subarray(start, end)), call.body.messages[i]);
  });
  return { messages, tools: members.tools };
}

function firstDifference(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; ++i) {
    if (a[i] !== b[i]) return i;
  }
  return a.length === b.length ? -1 : length;
}

// Where two byte strings part, and a few dozen bytes of each around it; null if they are the same.
function shortDiff(before, after) {
  const offset = firstDifference(before, after);
  if (offset < 0) return null;
  const from = Math.max(0, offset - 40);
  const around = (bytes) => `${from > 0 ? '…' : ''}${bytes.subarray(from, offset + 60).toString()}…`;
  return { offset, text: `\n    N:   ${around(before)}\n    N+1: ${around(after)}` };
}

// --- The client's side ------------------------------------------------------------------------

function textOf(content) {
  if (typeof content === 'string') return content;
  return (content ?? []).filter((part) => part.type === 'text').map((part) => part.text).join('\n\n');
}

// The form the Messages API reads the same way: a string content is one text block, and where cache
// breakpoints sit is not content. Claude Code uses both freedoms between turns: it sends its
// `# Environment` system message as a block list first and as a string afterwards, and it moves its
// `cache_control` marker to the newest turn (Switchboard sends no such marker upstream).
function canonical(value, key) {
  if (key === 'content' && typeof value === 'string') return [{ type: 'text', text: value }];
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => name !== 'cache_control')
      .map(([name, inner]) => [name, canonical(inner, name)]),
  );
}

// Side requests (titles, quota checks, subagents) carry another system prompt or no Bash tool.
function threadKey(body) {
  return JSON.stringify([textOf(body.system), (body.tools ?? []).some((tool) => tool.name === 'Bash')]);
}

// The main thread: the requests of the conversation that offers the Bash tool, in order.
function mainThread() {
  const first = sent.find((request) => request.body.tools?.some((tool) => tool.name === 'Bash'));
  assert.ok(first, 'Claude Code offered its Bash tool');
  const key = threadKey(first.body);
  return numbered().filter((request) => threadKey(request.body) === key);
}

function numbered() {
  return sent.map((request, index) => ({ ...request, index }));
}

// Why `next` does not extend `previous` (same system, tools and parameters; `previous`'s messages
// as a prefix), or null if it does.
function whyNotExtending(previous, next, normalise = canonical) {
  const { messages: before, ...beforeRest } = normalise(previous);
  const { messages: after, ...afterRest } = normalise(next);
  for (const key of new Set([...Object.keys(beforeRest), ...Object.keys(afterRest)])) {
    if (!isDeepStrictEqual(beforeRest[key], afterRest[key])) return `\`${key}\` changed`;
  }
  if (after.length < before.length) return `${after.length} messages after ${before.length}`;
  const changed = before.findIndex((message, i) => !isDeepStrictEqual(message, after[i]));
  return changed < 0 ? null : `message ${changed} changed`;
}

function upstreamOf(request) {
  const calls = upstream.filter((call) => call.client === request.index);
  assert.equal(calls.length, 1, `request #${request.index} made one upstream call`);
  return calls[0];
}

// --- The session --------------------------------------------------------------------------------

before(async () => {
  project = await mkdtemp(join(tmpdir(), 'switchboard-project-'));
  await writeFile(join(project, 'alpha.txt'), 'a\n');
  await writeFile(join(project, 'beta.md'), '# b\n\nbeta\n');
  await mkdir(join(project, '.claude/skills/tidy'), { recursive: true });
  // A project skill: invoking it puts a tool_result and the skill's text in one user message.
  const skill = '---\nname: tidy\ndescription: Tidy the notes of a project.\n---\n\nKeep notes short.\n';
  await writeFile(join(project, '.claude/skills/tidy/SKILL.md'), skill);

  backend = createServer(async (request, response) => {
    const raw = await readBody(request);
    if (!request.url.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"not here"}}');
      return;
    }
    const body = JSON.parse(raw);
    upstream.push({ client: forwarding, raw, body });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    answer(body, (choice) => response.write(`data: ${JSON.stringify({ choices: [{ index: 0, ...choice }] })}\n\n`));
    const usage = { prompt_tokens: 900, completion_tokens: 30 };
    response.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
    response.end('data: [DONE]\n\n');
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  server = await startSwitchboard(['--port', '0', '--openai-url', `http://127.0.0.1:${backend.address().port}/v1`]);
  proxy = createServer(relay);
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

  home = await mkdtemp(join(tmpdir(), 'switchboard-home-'));
  ({ stdout } = await run(
    claude,
    [
      '-p',
      'Look around this project, take a note and fix alpha.txt, using your tools.',
      '--allowedTools',
      'Bash',
      'Read',
      'Write',
      'Edit',
      'Skill',
      // For this model Claude Code 2.1.332 sends its `# Environment` block as a `role: "system"`
      // message (for claude-sonnet-4-5, as <system-reminder> text in the first user message).
      '--model',
      'claude-opus-5-5',
    ],
    {
      cwd: project,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: home, // no settings, credentials or history of the machine's user
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${proxy.address().port}`,
        ANTHROPIC_API_KEY: 'fake',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
      },
    },
  ));
});

after(async () => {
  // SWITCHBOARD_TRAFFIC_DIR=dir keeps both legs for reading: NN-client.json and NN-upstream.json.
  const dir = process.env.SWITCHBOARD_TRAFFIC_DIR;
  if (dir) {
    await mkdir(dir, { recursive: true });
    for (const [index, request] of sent.entries()) {
      const name = String(index).padStart(2, '0');
      await writeFile(join(dir, `${name}-client.json`), request.raw);
      const calls = upstream.filter((call) => call.client === index);
      if (calls.length > 0) await writeFile(join(dir, `${name}-upstream.json`), calls[0].raw);
    }
  }
  proxy?.close();
  if (server) assert.equal(await server.stop(), 0);
  backend?.close();
  for (const dir of [project, home]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

test('claude -p works through a session of several tool turns', async () => {
  assert.match(stdout, /Done: notes, alpha\./);
  // The tools really ran: Write made the note and Edit changed the file Read had shown.
  assert.equal(await readFile(join(project, 'notes.txt'), 'utf8'), 'notes\n');
  assert.equal(await readFile(join(project, 'alpha.txt'), 'utf8'), 'alpha\n');
  const thread = mainThread();
  assert.ok(thread.length >= steps().length + 1, `${thread.length} requests in the main thread`);
  // Every scripted call made its round trip: its result is in the last request of the thread.
  const last = upstreamOf(thread.at(-1)).body.messages;
  const answered = last.filter((message) => message.role === 'tool').map((message) => message.tool_call_id);
  const calls = steps().flatMap((step, n) => step.map((_, k) => `call_step${n}_${k}`));
  assert.deepEqual(answered.sort(), calls.sort());
  for (const call of upstream) {
    for (const message of call.body.messages.filter((m) => m.role === 'tool')) {
      assert.doesNotMatch(message.content, /^Error/, `tool ${message.tool_call_id} succeeded`);
    }
  }
});

test("Claude Code's main thread: each request extends the previous one", (t) => {
  const thread = mainThread();
  t.diagnostic(`${sent.length} requests from Claude Code, ${thread.length} in the main thread`);
  const side = numbered().filter((request) => !thread.some((member) => member.index === request.index));
  for (const request of side) {
    const tools = (request.body.tools ?? []).length;
    t.diagnostic(`side request #${request.index}: ${request.body.messages.length} messages, ${tools} tools`);
  }
  // The subagent works in a thread of its own, under another system prompt.
  const subagent = side.filter((request) => textOf(request.body.messages[0].content).includes(subagentTask));
  assert.ok(subagent.length > 0, 'the subagent has a thread of its own');
  let extending = 0;
  for (let n = 1; n < thread.length; ++n) {
    const [previous, next] = [thread[n - 1], thread[n]];
    const why = whyNotExtending(previous.body, next.body);
    // Not Switchboard's failure: what Claude Code sends is information for the upstream check.
    if (why) {
      t.diagnostic(`#${next.index} does not extend #${previous.index}: ${why}`);
      continue;
    }
    ++extending;
    const strict = whyNotExtending(previous.body, next.body, (body) => body);
    if (strict) t.diagnostic(`#${next.index} extends #${previous.index} in substance, not in form: ${strict}`);
  }
  // The upstream check below needs turns to compare; at least one per tool round trip.
  assert.ok(extending >= steps().length, `${extending} of ${thread.length - 1} requests extend the previous one`);
});

test("Switchboard's upstream request N+1 starts with the bytes of request N's messages", (t) => {
  const thread = mainThread();
  for (const request of thread) {
    const call = upstreamOf(request);
    const top = call.body.messages[0];
    const systemBytes = top.role === 'system' ? Buffer.byteLength(textOf(top.content)) : 0;
    const midSystem = request.body.messages.filter((message) => message.role === 'system').length;
    t.diagnostic(
      `#${request.index}: client ${request.body.messages.length} messages (${midSystem} role:system), upstream ` +
        `${call.body.messages.length} messages, top system ${systemBytes} bytes, body ${call.raw.length} bytes`,
    );
  }
  const failures = [];
  let compared = 0;
  for (let n = 1; n < thread.length; ++n) {
    const [previous, next] = [thread[n - 1], thread[n]];
    if (whyNotExtending(previous.body, next.body)) continue;
    ++compared;
    const [a, b] = [upstreamOf(previous), upstreamOf(next)];
    const [layoutA, layoutB] = [upstreamLayout(a), upstreamLayout(b)];
    const pair = `#${previous.index} → #${next.index}`;
    const toolsOf = (call, layout) => (layout.tools ? call.raw.subarray(...layout.tools) : Buffer.alloc(0));
    const tools = shortDiff(toolsOf(a, layoutA), toolsOf(b, layoutB));
    if (tools) failures.push(`${pair}: \`tools\` differ at byte ${tools.offset}${tools.text}`);
    if (layoutB.messages.length < layoutA.messages.length) {
      failures.push(`${pair}: ${layoutB.messages.length} upstream messages after ${layoutA.messages.length}`);
      continue;
    }
    // The first difference only: the engine re-reads everything after it anyway.
    const message = (call, layout, k) => call.raw.subarray(...layout.messages[k]);
    const diffs = layoutA.messages.map((_, k) => shortDiff(message(a, layoutA, k), message(b, layoutB, k)));
    const i = diffs.findIndex((diff) => diff !== null);
    if (i < 0) continue;
    const { offset, text } = diffs[i];
    const what = i === 0 && a.body.messages[0].role === 'system' ? ' (the top system message)' : '';
    const offsets = `body offsets ${layoutA.messages[i][0] + offset} and ${layoutB.messages[i][0] + offset}`;
    failures.push(`${pair}: upstream message ${i}${what} differs at byte ${offset} of it (${offsets})${text}`);
  }
  assert.ok(compared >= steps().length, `${compared} extending pairs compared`);
  assert.ok(failures.length === 0, `the upstream prefix changed:\n${failures.join('\n')}`);
});

// The upstream index of the message that carries a client message (its tool call, tool result or text).
function carrierOf(message, messages) {
  const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  for (const block of blocks) {
    const found = messages.findIndex((upstreamMessage, i) => {
      if (block.type === 'tool_use') return upstreamMessage.tool_calls?.some((call) => call.id === block.id);
      if (block.type === 'tool_result') return upstreamMessage.tool_call_id === block.tool_use_id;
      return i > 0 && block.type === 'text' && block.text && textOf(upstreamMessage.content).includes(block.text);
    });
    if (found >= 0) return found;
  }
  return -1;
}

function assistantsBefore(messages, end) {
  return messages.slice(0, end).filter((message) => message.role === 'assistant').length;
}

// By default Switchboard renders a client's `role: "system"` message as a user message at the same
// place, "<system-reminder>\n" + text + "\n</system-reminder>", instead of folding it into the top
// system message, whose every change makes the engine re-read the whole conversation.
test('mid-conversation system messages reach the backend in place, as system reminders', (t) => {
  const failures = [];
  let checked = 0;
  for (const request of numbered()) {
    const { messages } = upstreamOf(request).body;
    const top = messages[0].role === 'system' ? textOf(messages[0].content) : '';
    const client = request.body.messages;
    client.forEach((message, k) => {
      if (message.role !== 'system') return;
      ++checked;
      const text = textOf(message.content);
      const problems = [];
      if (top.includes(text)) problems.push(`folded into the top system message (${Buffer.byteLength(top)} bytes)`);
      const reminder = `<system-reminder>\n${text}\n</system-reminder>`;
      const at = messages.findIndex((m) => m.role === 'user' && textOf(m.content) === reminder);
      if (at < 0) {
        problems.push('no upstream user message is "<system-reminder>\\n" + its text + "\\n</system-reminder>"');
      } else {
        // In place: after what came before it, before what follows, in the same turn.
        const turn = assistantsBefore(client, k);
        if (assistantsBefore(messages, at) !== turn) problems.push(`upstream ${at}: not in turn ${turn}`);
        const before = k > 0 ? carrierOf(client[k - 1], messages) : -1;
        if (k > 0 && !(before >= 0 && before < at)) problems.push(`upstream ${at}: not after message ${k - 1}`);
        const after = k + 1 < client.length ? carrierOf(client[k + 1], messages) : Infinity;
        if (!(after > at)) problems.push(`upstream ${at}: not before message ${k + 1}`);
      }
      const what = `#${request.index} message ${k}: role system, ${Buffer.byteLength(text)} bytes`;
      t.diagnostic(`${what}, ${JSON.stringify(text.slice(0, 40))}…, upstream at ${at}`);
      if (problems.length > 0) failures.push(`${what}: ${problems.join('; ')}`);
    });
  }
  assert.ok(checked > 0, 'Claude Code sent role: system messages');
  // Not only its first turn's: the subagent's notification arrives mid-session.
  const notified = mainThread().some((request) => request.body.messages.slice(2).some((m) => m.role === 'system'));
  assert.ok(notified, 'Claude Code sent a role: system message after its first turn');
  assert.ok(failures.length === 0, `system messages not sent in place:\n${failures.join('\n')}`);
});
