#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Proof against a real engine: an agent-shaped session (official SDK, streaming) through a headless
// Switchboard into llama.cpp's llama-server, measuring per turn what the engine really evaluated
// against what the turn really added. A local engine keeps the previous prompt in its prefix cache and
// evaluates only what follows the first changed token, so a gateway whose translation rewrites the
// early part of the prompt (e.g. folds a mid-conversation system message into the top system prompt)
// makes it re-read the whole conversation on every such turn.
//
//   node agent-session.mjs [--prefix-only] [--template own|qwen3.5|both] [--turns N] [--reference-upstream]
//
// --turns: 9 by default, at least 6 (the session's shapes need them); about 10 fit the tiny model's 8k context.
// --reference-upstream is the harness's self-test: the proxy replaces the messages Switchboard sent
// with the reference translation below, so the engine sees what a prefix-stable gateway would send
// and the prefix check must pass whatever Switchboard does (the usage check still measures Switchboard).
//
// Environment: SWITCHBOARD_LLAMA_DIR (the cache folder of ../shared/real-llama/build.sh; without it
// the harness exits 77, "skipped"), SWITCHBOARD_BIN (the Switchboard to measure, default
// build/bin/switchboard), SWITCHBOARD_LLAMA_START (start.sh, default ../shared/real-llama/start.sh
// beside the repository).
//
// Exit status: 0 every check passed, 1 a check failed or a run broke, 2 bad arguments, 77 no engine.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSwitchboard } from '../conformance/harness.mjs';
import { interruptedTurn, systemPrompt, tools, turnMessages } from './agent-script.mjs';
import { startLlamaServer } from './llama-engine.mjs';
import { answerStats, startRecordingProxy } from './recording-proxy.mjs';
import { referenceChatMessages } from './reference-chat.mjs';

// The SDK the conformance tests pin (tests/conformance/package-lock.json); no second copy.
const require = createRequire(new URL('../conformance/package.json', import.meta.url));
const Anthropic = require('@anthropic-ai/sdk').default;

// How many prompt tokens the engine may evaluate beyond the truly new ones. One: when a prompt is
// entirely in the cache, llama-server still evaluates its last token to get logits (n_past is capped
// at prompt length − 1, [TAG_PROMPT_LOGITS] in server-context.cpp). Nothing else is allowed: "new"
// below is counted on the very token sequences the engine compares (the slot's own cached tokens),
// so boundary effects of re-tokenizing (a merge across the end of the previous prompt, an answer the
// model spelled in non-canonical tokens, the <|im_end|> that ended it and was never evaluated) are
// already part of "new".
const SLACK = 1;

function parseArguments(argv) {
  const options = { prefixOnly: false, templates: ['own', 'qwen3.5'], turns: 9, referenceUpstream: false };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--prefix-only') options.prefixOnly = true;
    else if (arg === '--reference-upstream') options.referenceUpstream = true;
    else if (arg === '--template' && ['own', 'qwen3.5', 'both'].includes(argv[i + 1])) {
      const value = argv[++i];
      options.templates = value === 'both' ? ['own', 'qwen3.5'] : [value];
    } else if (arg === '--turns' && Number(argv[i + 1]) >= 6) options.turns = Number(argv[++i]);
    else {
      console.error('usage: agent-session.mjs [--prefix-only] [--template own|qwen3.5|both] [--turns N>=6] ' +
        '[--reference-upstream]');
      process.exit(2);
    }
  }
  return options;
}

function commonPrefix(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) ++i;
  return i;
}

const sameTokens = (a, b) => a.length === b.length && commonPrefix(a, b) === a.length;

// One conversation of `turns` requests; appends one row per turn to `rows`, throws when a request fails.
async function runSession({ engine, switchboardUrl, proxy, turns, log, rows, referenceUpstream }) {
  const client = new Anthropic({ baseURL: switchboardUrl, apiKey: 'local', maxRetries: 0 });
  const system = systemPrompt();
  log(`  system prompt: ${(await engine.tokenize(system)).length} tokens`);
  const history = [];
  let previous; // { reference: tokens, generated: tokens, answer: message }
  for (let turn = 1; turn <= turns; ++turn) {
    const added = turnMessages(turn, previous?.answer);
    history.push(...added);
    const before = proxy.exchanges.length;
    if (referenceUpstream) proxy.rewrite = (body) => ({ ...body, messages: referenceChatMessages(system, history) });
    let answer;
    try {
      const stream = client.messages.stream({
        model: 'tiny-llama',
        max_tokens: 32,
        temperature: 0.7,
        system,
        tools,
        messages: history,
      });
      answer = await stream.finalMessage();
    } catch (error) {
      const upstream = proxy.exchanges.slice(before).find((x) => x.path.endsWith('/chat/completions'));
      await upstream?.done;
      const detail = upstream
        ? `\n  engine answered HTTP ${upstream.status}: ${upstream.responseBody?.slice(0, 600)}`
        : '';
      throw new Error(`turn ${turn}: the request failed: ${error.message}${detail}`);
    }
    const calls = proxy.exchanges.slice(before).filter((x) => x.path.endsWith('/chat/completions'));
    if (calls.length !== 1) throw new Error(`turn ${turn}: Switchboard made ${calls.length} upstream calls, not 1`);
    await calls[0].done;
    const upstream = JSON.parse(calls[0].requestBody);
    const { timings, usage } = answerStats(calls[0].responseBody);
    if (!timings) throw new Error(`turn ${turn}: the engine's answer carried no timings`);

    // The exact prompt Switchboard made the engine read, and what the slot held after answering it.
    const prompt = await engine.tokenize(await engine.applyTemplate(upstream));
    const slot = await engine.slotTokens();
    const evalCounts = await engine.newEvalCounts();
    const notes = [];
    if (prompt.length !== timings.prompt_n + timings.cache_n) {
      const counted = timings.prompt_n + timings.cache_n;
      notes.push(`rendered prompt has ${prompt.length} tokens, the engine counted ${counted}`);
    }
    if (!sameTokens(slot.slice(0, prompt.length), prompt)) {
      notes.push('the slot does not start with the rendered prompt');
    }
    const engineCached = usage?.prompt_tokens_details?.cached_tokens;
    if (usage?.prompt_tokens !== timings.prompt_n + timings.cache_n || engineCached !== timings.cache_n) {
      notes.push(`engine usage says ${usage?.prompt_tokens} prompt tokens, ${engineCached} cached`);
    }
    if (evalCounts.length !== 1 || evalCounts[0] !== timings.prompt_n) {
      notes.push(`log says evaluated ${evalCounts.join('+') || 'nothing'}, timings say ${timings.prompt_n}`);
    }
    // What the model generated and the engine kept after the prompt (the final token, e.g. the
    // <|im_end|> that stopped it, is sampled but never evaluated, so it is not there).
    const generated = slot.slice(prompt.length);

    // Truly new tokens. The same conversation through the agreed prefix-stable translation
    // (reference-chat.mjs), rendered with this request's own fields and tools by the engine's own
    // template and tokenizer: R(N). The engine, after turn N−1, holds R(N−1) followed by the tokens it
    // generated, G(N−1) (read from the slot). What turn N adds is what R(N) does not share with
    // R(N−1)+G(N−1) as a common prefix: its new client messages, the template's wrapping of them and of
    // the previous answer, whatever of that answer the template renders otherwise than the model spelled
    // it, and whatever earlier part the template itself renders differently now (Qwen3.5's drops the
    // <think> block of the answers before the latest user message). A gateway that keeps the prompt
    // prefix-stable leaves the engine exactly that to evaluate; on turn 1 all is new.
    const reference = await engine.tokenize(
      await engine.applyTemplate({ ...upstream, messages: referenceChatMessages(system, history) }),
    );
    const heldBefore = previous ? [...previous.reference, ...previous.generated] : [];
    const fresh = reference.length - commonPrefix(reference, heldBefore);

    const users = added.filter((m) => m.role === 'user');
    const shape = [typeof users[0].content === 'string' ? 'user' : 'tool_result'];
    if (users.length > 1) shape.push('+user');
    if (added.some((m) => m.role === 'system')) shape.push('+system');
    // Only a final assistant message may be empty: an agent drops an empty answer, as it drops the
    // one the user interrupted.
    const kept = turn !== interruptedTurn && answer.content.length > 0;
    if (!kept) shape.push(answer.content.length > 0 ? '(answer dropped)' : '(empty answer dropped)');
    const toolCalls = answer.content.filter((b) => b.type === 'tool_use').length;

    rows.push({
      turn,
      shape: shape.join(' '),
      prompt: timings.prompt_n + timings.cache_n,
      evaluated: timings.prompt_n,
      fresh,
      cached: timings.cache_n,
      promptMs: timings.prompt_ms,
      usage: answer.usage,
      asReference: sameTokens(prompt, reference),
      answered: toolCalls > 0 ? `${toolCalls} tool call(s)` : `${generated.length} tokens of text`,
      notes,
    });
    log(`  turn ${turn} done (${rows.at(-1).shape}; answered ${rows.at(-1).answered})`);
    if (kept) history.push({ role: 'assistant', content: answer.content });
    previous = { reference, generated, answer: kept ? answer : undefined };
  }
}

function table(rows) {
  const header =
    ['turn', 'client adds', 'prompt', 'evaluated', 'new', 'cached', 'prompt ms', 'input', 'cache_read', 'as ref'];
  const lines = rows.map((r) => [
    r.turn,
    r.shape,
    r.prompt,
    r.evaluated,
    r.fresh,
    r.cached,
    r.promptMs.toFixed(1),
    r.usage.input_tokens,
    r.usage.cache_read_input_tokens ?? '-',
    r.asReference ? 'yes' : 'no',
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  // Markdown: the text column left-aligned, the figures right-aligned.
  const align = (c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]));
  const format = (cells) => `| ${cells.map(align).join(' | ')} |`;
  const rule = widths.map((w, i) => (i === 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`));
  return [format(header), `|${rule.join('|')}|`, ...lines.map(format)].join('\n');
}

function summary(rows) {
  const total = (key) => rows.reduce((sum, r) => sum + r[key], 0);
  return `total evaluated ${total('evaluated')} vs total new ${total('fresh')} prompt tokens ` +
    `(${rows.length} turns, ${total('prompt')} prompt tokens in all), prompt time ${total('promptMs').toFixed(0)} ms`;
}

// Every turn after the first leaves the engine only the new tokens (plus SLACK).
function prefixFailures(rows) {
  return rows.slice(1).filter((r) => r.evaluated > r.fresh + SLACK).map((r) =>
    `turn ${r.turn} (${r.shape}): the engine evaluated ${r.evaluated} prompt tokens where ${r.fresh} were new ` +
    `(${r.evaluated - r.fresh} re-read; it reused ${r.cached} of ${r.prompt})`);
}

// The client's usage says what the engine served from its cache.
function usageFailures(rows) {
  return rows.filter((r) =>
    (r.usage.cache_read_input_tokens ?? 0) !== r.cached || r.usage.input_tokens !== r.prompt - r.cached).map((r) =>
    `turn ${r.turn}: usage input_tokens ${r.usage.input_tokens}, cache_read_input_tokens ` +
    `${r.usage.cache_read_input_tokens ?? 'absent'}; the engine cached ${r.cached} of ${r.prompt} ` +
    `(expected input_tokens ${r.prompt - r.cached}, cache_read_input_tokens ${r.cached})`);
}

async function measure(template, options, paths) {
  // The session stays inside start.sh's 8k of context (also the tiny model's training context, which
  // llama-server will not exceed): short tool outputs and answers of at most 32 tokens.
  const extraArgs = template === 'qwen3.5'
    ? ['--chat-template-file', join(paths.cacheDir, 'llama.cpp/models/templates/Qwen3.5-4B.jinja')]
    : [];
  const log = (line) => console.log(line);
  let engine;
  let proxy;
  let switchboard;
  let passed = false;
  const rows = [];
  try {
    engine = await startLlamaServer({ startScript: paths.startScript, cacheDir: paths.cacheDir, extraArgs });
    proxy = await startRecordingProxy(engine.url);
    switchboard = await startSwitchboard(['--port', '0', '--openai-url', `${proxy.url}/v1`]);
    log(`run "${template}" template: llama-server ${engine.url}, Switchboard ${switchboard.url}, ${paths.binary}` +
      (options.referenceUpstream ? ' (self-test: the engine gets the reference translation)' : ''));
    const { turns, referenceUpstream } = options;
    await runSession({ engine, switchboardUrl: switchboard.url, proxy, turns, log, rows, referenceUpstream });
    console.log(`\n${table(rows)}\n${summary(rows)}`);
    for (const r of rows) for (const note of r.notes) console.log(`  measurement note, turn ${r.turn}: ${note}`);
    // The model decides whether to call tools; say so when this run never exercised a tool_result.
    if (!rows.some((r) => r.shape.startsWith('tool_result'))) console.log('  note: the model called no tool this run');
    const prefix = prefixFailures(rows);
    const usage = options.prefixOnly ? [] : usageFailures(rows);
    console.log(`check prefix (evaluated <= new + ${SLACK}): ${prefix.length === 0 ? 'PASS' : 'FAIL'}`);
    for (const line of prefix) console.log(`  ${line}`);
    if (options.prefixOnly) console.log('check usage: not run (--prefix-only)');
    else {
      const verdict = usage.length === 0 ? 'PASS' : 'FAIL';
      console.log(`check usage (cache_read_input_tokens == cached, input_tokens == prompt - cached): ${verdict}`);
      for (const line of usage) console.log(`  ${line}`);
    }
    passed = prefix.length === 0 && usage.length === 0;
    return passed;
  } catch (error) {
    if (rows.length > 0) console.log(`\n${table(rows)}\n(the turns before the run broke)`);
    console.log(`run "${template}" template BROKE: ${error.message}`);
    return false;
  } finally {
    if (switchboard) await switchboard.stop();
    if (proxy) await proxy.close();
    if (engine) {
      await engine.stop();
      // Keep the engine's log of a failed run for a look at what it evaluated.
      if (passed) await rm(engine.log, { force: true });
      else console.log(`llama-server log: ${engine.log}`);
    }
  }
}

const options = parseArguments(process.argv.slice(2));
const cacheDir = process.env.SWITCHBOARD_LLAMA_DIR;
if (!cacheDir || !existsSync(join(cacheDir, 'tiny.gguf'))) {
  console.log('skipped: no real engine (set SWITCHBOARD_LLAMA_DIR to the cache folder of shared/real-llama/build.sh)');
  process.exit(77);
}
const paths = {
  cacheDir,
  startScript: process.env.SWITCHBOARD_LLAMA_START ??
    fileURLToPath(new URL('../../../shared/real-llama/start.sh', import.meta.url)),
  binary: process.env.SWITCHBOARD_BIN ?? fileURLToPath(new URL('../../build/bin/switchboard', import.meta.url)),
};
let ok = true;
for (const template of options.templates) {
  console.log('');
  ok = (await measure(template, options, paths)) && ok;
}
process.exit(ok ? 0 : 1);
