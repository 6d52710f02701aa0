// SPDX-License-Identifier: MIT
// Beyond the seed page: tool use, vision, thinking and token counting through the official SDK,
// against the simulator (offline tool loops) and against an OpenAI-compatible server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';

import { startSwitchboard } from './harness.mjs';

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
  },
};

// A 640x480 PNG header is enough for the simulator to tell the size.
function pngHeader(width, height) {
  const bytes = Buffer.alloc(29);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(bytes);
  bytes.write('IHDR', 12);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes.toString('base64');
}

describe('simulator', () => {
  let server;
  let client;

  before(async () => {
    server = await startSwitchboard(['--port', '0']);
    client = new Anthropic({ baseURL: server.url, apiKey: 'fake', maxRetries: 0 });
  });

  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  test('a full tool loop: tool_use, tool_result, final answer', async () => {
    const messages = [{ role: 'user', content: 'Use get_weather for "Lima", in celsius' }];
    const first = await client.messages.create({ model: 'sim', max_tokens: 512, tools: [weatherTool], messages });
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { city: 'Lima', unit: 'celsius' });
    assert.match(call.id, /^toolu_/);

    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '21C and clear' }] });
    const final = await client.messages.create({ model: 'sim', max_tokens: 512, tools: [weatherTool], messages });
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.content[0].text, 'Calling the get_weather tool returned: 21C and clear.');
  });

  test('stream helpers accumulate input_json_delta into the final input', async () => {
    const stream = client.messages.stream({
      model: 'sim',
      max_tokens: 512,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather in "Quito"?' }],
    });
    const partials = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    assert.ok(partials.length > 3, 'the input arrived in several fragments');
    assert.equal(partials.join(''), JSON.stringify({ city: 'Quito', unit: 'celsius' }));
    assert.equal(final.content.length, 1); // forced: no preamble
    assert.deepEqual(final.content[0].input, { city: 'Quito', unit: 'celsius' });
    assert.equal(final.stop_reason, 'tool_use');
  });

  test('an image is seen, with its type and size', async () => {
    const message = await client.messages.create({
      model: 'sim',
      max_tokens: 512,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngHeader(640, 480) } },
            { type: 'text', text: 'What is in this image?' },
          ],
        },
      ],
    });
    assert.match(message.content[0].text, /an image\/png image of 29 bytes \(640x480 pixels\)/);
    const counted = await client.messages.countTokens({
      model: 'sim',
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngHeader(640, 480) } }] }],
    });
    assert.equal(counted.input_tokens, 410 + 7); // 640*480/750, plus message framing
  });

  test('thinking streams as a signed thinking block before the answer', async () => {
    const stream = client.messages.stream({
      model: 'sim',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
    });
    let thinking = '';
    stream.on('thinking', (delta) => (thinking += delta));
    const final = await stream.finalMessage();
    assert.equal(final.content[0].type, 'thinking');
    assert.equal(final.content[0].thinking, thinking);
    assert.match(final.content[0].signature, /^switchboard\.v1\./);
    assert.equal(final.content[1].type, 'text');

    // Sending the thinking block back, as tool loops with thinking must, is accepted.
    const next = await client.messages.create({
      model: 'sim',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Why is the sky blue?' },
        { role: 'assistant', content: final.content },
        { role: 'user', content: 'And sunsets?' },
      ],
    });
    assert.equal(next.content[0].type, 'thinking');
  });

  test('countTokens counts tool definitions, calls and results', async () => {
    const bare = await client.messages.countTokens({ model: 'sim', messages: [{ role: 'user', content: 'Weather?' }] });
    const withTools = await client.messages.countTokens({
      model: 'sim',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Lima', unit: 'celsius' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '21C and clear' }] },
      ],
    });
    assert.ok(withTools.input_tokens > bare.input_tokens + 40, `${withTools.input_tokens} vs ${bare.input_tokens}`);
  });
});

describe('OpenAI-compatible backend', () => {
  let backend;
  let server;
  let client;
  const arguments_ = JSON.stringify({ city: 'Paris', unit: 'celsius' });

  before(async () => {
    // Streams one tool call with its arguments cut into 3-byte fragments, as llama.cpp does.
    backend = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const send = (payload) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
        send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] } }] });
        for (let i = 0; i < arguments_.length; i += 3) {
          send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: arguments_.slice(i, i + 3) } }] } }] });
        }
        send({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
        response.end('data: [DONE]\n\n');
      });
    });
    await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
    server = await startSwitchboard(['--port', '0', '--openai-url', `http://127.0.0.1:${backend.address().port}/v1`]);
    client = new Anthropic({ baseURL: server.url, apiKey: 'fake', maxRetries: 0 });
  });

  after(async () => {
    assert.equal(await server.stop(), 0);
    backend.close();
  });

  test('a streamed tool call arrives as one tool_use block with its full input', async () => {
    const final = await client.messages
      .stream({ model: 'qwen', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'Paris?' }] })
      .finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    assert.equal(final.content.length, 1);
    assert.equal(final.content[0].id, 'call_1');
    assert.deepEqual(final.content[0].input, { city: 'Paris', unit: 'celsius' });
  });
});
