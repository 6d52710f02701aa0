// SPDX-License-Identifier: MIT
// The official SDK through Switchboard to an OpenAI-compatible server (a Node fake that replays
// llama.cpp's recorded streams), as with `--openai-url http://127.0.0.1:11434/v1` and Ollama.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';

import { startSwitchboard } from './harness.mjs';

const fixture = (name) => readFile(new URL(`../data/llama-cpp/${name}`, import.meta.url), 'utf8');
const received = [];
let backend;
let server;
let client;

before(async () => {
  const recording = await fixture('07_chat_stream_usage.sse');
  backend = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      received.push({ url: request.url, headers: request.headers, body: JSON.parse(body || '{}') });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // One event per write, a little apart, as a model server would send them.
      for (const event of recording.split('\n\n').filter((part) => part.trim())) {
        response.write(`${event}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      response.end();
    });
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const { port } = backend.address();
  server = await startSwitchboard(['--port', '0', '--openai-url', `http://127.0.0.1:${port}/v1`]);
  client = new Anthropic({ baseURL: server.url, apiKey: 'fake', maxRetries: 0 });
});

after(async () => {
  assert.equal(await server.stop(), 0);
  backend.close();
});

test('a streamed reply from an OpenAI-compatible server', async () => {
  const stream = client.messages.stream({
    model: 'tiny-llama',
    max_tokens: 5,
    system: 'Be brief.',
    temperature: 0.5,
    messages: [{ role: 'user', content: 'Continue:' }],
  });
  const final = await stream.finalMessage();
  assert.equal(final.model, 'tiny-llama');
  assert.equal(final.content[0].text, ' well need had had.');
  assert.equal(final.stop_reason, 'max_tokens');
  assert.equal(final.usage.input_tokens, 6); // of a prompt of 33, 27 of them from llama.cpp's cache
  assert.equal(final.usage.cache_read_input_tokens, 27);
  assert.equal(final.usage.output_tokens, 5);

  const upstream = received.at(-1);
  assert.equal(upstream.url, '/v1/chat/completions');
  assert.equal(upstream.body.model, 'tiny-llama');
  assert.equal(upstream.body.stream, true);
  assert.deepEqual(upstream.body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Continue:' },
  ]);
  assert.equal(upstream.body.temperature, 0.5);
});

test('a non-streaming reply asks for JSON upstream; a server that streams anyway is assembled', async () => {
  const message = await client.messages.create({
    model: 'tiny-llama',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'Continue:' }],
  });
  assert.equal(message.content[0].text, ' well need had had.');
  assert.equal(received.at(-1).body.stream, undefined);
});

test('a non-streaming reply with stop sequences streams upstream, to match them itself', async () => {
  const message = await client.messages.create({
    model: 'tiny-llama',
    max_tokens: 5,
    stop_sequences: ['had had'],
    messages: [{ role: 'user', content: 'Continue:' }],
  });
  assert.equal(message.content[0].text, ' well need ');
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, 'had had');
  assert.equal(received.at(-1).body.stream, true);
});
