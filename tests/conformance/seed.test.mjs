// SPDX-License-Identifier: MIT
// Every example of the Llama Stack "Anthropic Messages API" page, run as written against a headless
// Switchboard on the page's address (localhost:8321): the TypeScript and curl examples verbatim, the
// Python ones as their TypeScript twins (PyPI is not reachable here).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startSwitchboard } from './harness.mjs';

const run = promisify(execFile);
const seedFile = (name) => fileURLToPath(new URL(`./seed/${name}`, import.meta.url));
let server;

before(async () => {
  server = await startSwitchboard(['--port', '8321']);
});

after(async () => {
  assert.equal(await server.stop(), 0);
});

test('quick example (TypeScript)', async () => {
  const { stdout } = await run('node', [seedFile('quick-typescript.mjs')]);
  assert.match(stdout, /What is Llama Stack\?/);
});

test('quick example (Python, as TypeScript)', async () => {
  const { stdout } = await run('node', [seedFile('quick-python-twin.mjs')]);
  assert.match(stdout, /offline simulator/);
});

test('quick example (curl)', async () => {
  const { stdout } = await run('bash', [seedFile('quick-curl.sh')]);
  const message = JSON.parse(stdout);
  assert.equal(message.type, 'message');
  assert.equal(message.model, 'llama-3.3-70b');
  assert.equal(message.content[0].type, 'text');
  assert.equal(message.stop_reason, 'end_turn');
});

test('streaming example (TypeScript)', async () => {
  const { stdout } = await run('node', [seedFile('streaming-typescript.mjs')]);
  assert.match(stdout, /Explain RAG in 3 sentences\./);
});

test('streaming example (Python text_stream, as TypeScript)', async () => {
  const { stdout } = await run('node', [seedFile('streaming-python-twin.mjs')]);
  assert.match(stdout, /Explain RAG in 3 sentences\./);
});

test('multi-turn example (Python, as TypeScript)', async () => {
  const { stdout } = await run('node', [seedFile('multi-turn-python-twin.mjs')]);
  assert.match(stdout, /Now make it handle unicode properly\./);
  assert.match(stdout, /system prompt of 35 characters/);
});
