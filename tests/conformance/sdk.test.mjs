// SPDX-License-Identifier: MIT
// The official TypeScript SDK against a headless Switchboard: what SDK users do every day.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Anthropic from '@anthropic-ai/sdk';

import { startSwitchboard } from './harness.mjs';

const model = 'llama-3.3-70b';

describe('simulator backend', () => {
  let server;
  let client;

  before(async () => {
    server = await startSwitchboard(['--port', '0']);
    // The SDKs append /v1/messages; a base URL ending in /v1 works too (the seed's form).
    client = new Anthropic({ baseURL: `${server.url}/v1`, apiKey: 'fake', maxRetries: 0 });
  });

  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  test('messages.create returns a complete Message', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is Llama Stack?' }],
    });
    assert.match(message.id, /^msg_/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, model);
    assert.equal(message.content[0].type, 'text');
    assert.match(message.content[0].text, /What is Llama Stack\?/);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.ok(message.usage.input_tokens > 0);
    assert.ok(message.usage.output_tokens > 0);
    assert.equal(message.usage.cache_read_input_tokens, 0);
    assert.match(message._request_id, /^req_/);
  });

  test('messages.stream: events, text helper, finalMessage and finalText', async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Explain RAG in 3 sentences.' }],
    });
    let fromEvents = '';
    let fromHelper = '';
    const types = [];
    stream.on('text', (text) => (fromHelper += text));
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        fromEvents += event.delta.text;
      }
    }
    const final = await stream.finalMessage();
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.filter((type) => type === 'content_block_delta').length > 5); // it really streamed
    assert.equal(fromEvents, fromHelper);
    assert.equal(final.content[0].text, fromEvents);
    assert.equal(await stream.finalText(), fromEvents);
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.usage.output_tokens > 0);
  });

  test('create with stream: true yields raw events', async () => {
    const stream = await client.messages.create({
      model,
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'Say exactly: one two three' }],
    });
    let text = '';
    let stopReason;
    for await (const event of stream) {
      if (event.type === 'content_block_delta') text += event.delta.text;
      if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
    }
    assert.equal(text, 'one two three');
    assert.equal(stopReason, 'end_turn');
  });

  test('system prompts, as a string and as blocks, and multi-turn', async () => {
    for (const system of ['You are terse.', [{ type: 'text', text: 'You are terse.' }]]) {
      const message = await client.messages.create({
        model,
        max_tokens: 256,
        system,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'How are you?' },
        ],
      });
      assert.match(message.content[0].text, /How are you\?/);
      assert.match(message.content[0].text, /system prompt of 14 characters/);
    }
  });

  test('every sampling parameter is accepted', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 32,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['\n\nHuman:'],
      metadata: { user_id: 'sdk-test' },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(message.type, 'message');
  });

  test('stop_sequences end the reply and name the sequence, streaming or not', async () => {
    const params = {
      model,
      max_tokens: 64,
      stop_sequences: ['never', 'STOP'],
      messages: [{ role: 'user', content: 'Say exactly: one two STOP three four' }],
    };
    const message = await client.messages.create(params);
    assert.equal(message.content[0].text, 'one two ');
    assert.equal(message.stop_reason, 'stop_sequence');
    assert.equal(message.stop_sequence, 'STOP');
    const streamed = await client.messages.stream(params).finalMessage();
    assert.equal(streamed.content[0].text, 'one two ');
    assert.equal(streamed.stop_reason, 'stop_sequence');
    assert.equal(streamed.stop_sequence, 'STOP');
  });

  test('max_tokens ends the reply with stop_reason max_tokens', async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 3,
      messages: [{ role: 'user', content: 'Say exactly: one two three four five' }],
    });
    assert.equal(message.content[0].text, 'one two three');
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.output_tokens, 3);
  });

  test('countTokens counts what messages.create reports', async () => {
    const request = {
      model,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'How many tokens is this?' }],
    };
    const counted = await client.messages.countTokens(request);
    const message = await client.messages.create({ ...request, max_tokens: 8 });
    assert.equal(counted.input_tokens, message.usage.input_tokens);
    assert.ok(counted.input_tokens > 5);
  });

  test('models.list pages and models.retrieve', async () => {
    const ids = [];
    for await (const entry of client.models.list({ limit: 1 })) ids.push(entry.id);
    assert.deepEqual(ids, ['switchboard-simulator']);
    const info = await client.models.retrieve('switchboard-simulator');
    assert.equal(info.type, 'model');
    assert.equal(info.display_name, 'Switchboard simulator');
  });

  test('a 400 is a BadRequestError with the field named', async () => {
    await assert.rejects(
      client.messages.create({ model, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }),
      (error) => {
        assert.ok(error instanceof Anthropic.BadRequestError);
        assert.equal(error.status, 400);
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, /max_tokens: Input should be greater than or equal to 1/);
        assert.match(error.requestID, /^req_/);
        return true;
      },
    );
  });

  test('x-api-key clients work as well as Bearer ones', async () => {
    const keyed = new Anthropic({
      baseURL: server.url,
      apiKey: 'fake',
      defaultHeaders: { 'x-api-key': 'fake', 'anthropic-version': '2023-06-01' },
    });
    const message = await keyed.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(message.type, 'message');
  });
});

describe('routes without a wildcard', () => {
  let server;
  let client;

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        backends: [{ name: 'sim', type: 'simulator', tokens_per_second: 0 }],
        routes: [{ model: 'claude-*', backend: 'sim' }],
      }),
    );
    server = await startSwitchboard(['--port', '0', '--config', config]);
    client = new Anthropic({ baseURL: server.url, apiKey: 'fake', maxRetries: 0 });
  });

  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  test('an unrouted model is a NotFoundError', async () => {
    await assert.rejects(
      client.messages.create({ model: 'gpt-4o', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
      (error) => {
        assert.ok(error instanceof Anthropic.NotFoundError);
        assert.equal(error.status, 404);
        assert.equal(error.type, 'not_found_error');
        return true;
      },
    );
    await assert.rejects(client.models.retrieve('gpt-4o'), Anthropic.NotFoundError);
  });

  test('a routed model answers', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'Say exactly: routed' }],
    });
    assert.equal(message.content[0].text, 'routed');
  });
});
