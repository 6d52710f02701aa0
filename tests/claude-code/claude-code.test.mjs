// SPDX-License-Identifier: MIT
// Claude Code end to end: `claude -p` with ANTHROPIC_BASE_URL at a headless Switchboard whose backend
// is a scripted OpenAI-compatible server. The first turn answers with a Bash tool call; Claude Code
// must run it, send the tool_result back through Switchboard, and print the final answer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startSwitchboard } from '../conformance/harness.mjs';

const run = promisify(execFile);
const claude = fileURLToPath(new URL('./node_modules/.bin/claude', import.meta.url));
const requests = [];
let project;
let backend;
let server;

// Answers like a model that lists files: a Bash call first, a summary once the result is back.
function answer(body, write) {
  const last = body.messages.at(-1);
  const offersBash = (body.tools ?? []).some((tool) => tool.function?.name === 'Bash');
  if (last.role === 'tool') {
    // Claude Code may append a <system-reminder> to tool output; report the file names only.
    const files = last.content.split('\n').filter((line) => /^[\w.-]+\.\w+$/.test(line));
    write({ delta: { content: `Done: ${files.join(', ')}.` } });
    write({ delta: {}, finish_reason: 'stop' });
    return;
  }
  if (!offersBash) {
    write({ delta: { content: 'ok' } });
    write({ delta: {}, finish_reason: 'stop' });
    return;
  }
  write({ delta: { content: "I'll list the files." } });
  write({ delta: { tool_calls: [{ index: 0, id: 'call_ls', type: 'function', function: { name: 'Bash', arguments: '' } }] } });
  const args = JSON.stringify({ command: `ls ${project}`, description: 'List the project files' });
  for (let i = 0; i < args.length; i += 7) {
    write({ delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 7) } }] } });
  }
  // Ollama-style: "stop" even after a tool call; Switchboard must still report tool_use.
  write({ delta: {}, finish_reason: 'stop' });
}

before(async () => {
  project = await mkdtemp(join(tmpdir(), 'switchboard-project-'));
  await writeFile(join(project, 'alpha.txt'), 'a\n');
  await writeFile(join(project, 'beta.md'), '# b\n');

  backend = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (!request.url.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"not here"}}');
        return;
      }
      const json = JSON.parse(body);
      requests.push(json);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      answer(json, (choice) => response.write(`data: ${JSON.stringify({ choices: [{ index: 0, ...choice }] })}\n\n`));
      response.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 900, completion_tokens: 30 } })}\n\n`);
      response.end('data: [DONE]\n\n');
    });
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  server = await startSwitchboard(['--port', '0', '--openai-url', `http://127.0.0.1:${backend.address().port}/v1`]);
});

after(async () => {
  assert.equal(await server.stop(), 0);
  backend.close();
});

test('claude -p runs a tool through Switchboard and answers', async () => {
  const home = await mkdtemp(join(tmpdir(), 'switchboard-home-'));
  const { stdout } = await run(
    claude,
    ['-p', 'List the files in this project using the Bash tool.', '--allowedTools', 'Bash', '--model', 'claude-sonnet-4-5'],
    {
      cwd: project,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: home, // no settings, credentials or history of the machine's user
        ANTHROPIC_BASE_URL: server.url,
        ANTHROPIC_API_KEY: 'fake',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
      },
    },
  );
  assert.match(stdout, /Done: alpha\.txt, beta\.md\./);

  // The first turn offered Claude Code's tools, translated into functions.
  const first = requests.find((request) => request.tools?.some((tool) => tool.function.name === 'Bash'));
  assert.ok(first, 'Claude Code sent its tools');
  assert.equal(first.stream, true);
  assert.equal(first.messages[0].role, 'system');
  // The follow-up carried the real output of the tool, right after the call that asked for it.
  const followUp = requests.find((request) => request.messages.at(-1).role === 'tool');
  assert.ok(followUp, 'Claude Code sent the tool_result back');
  const messages = followUp.messages;
  const call = messages.at(-2);
  assert.equal(call.role, 'assistant');
  assert.equal(call.tool_calls[0].id, 'call_ls');
  assert.deepEqual(JSON.parse(call.tool_calls[0].function.arguments), { command: `ls ${project}`, description: 'List the project files' });
  assert.equal(messages.at(-1).tool_call_id, 'call_ls');
  assert.ok(messages.at(-1).content.startsWith('alpha.txt\nbeta.md'), messages.at(-1).content);
});
