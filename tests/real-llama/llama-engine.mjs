// SPDX-License-Identifier: MIT
// llama.cpp's llama-server, started through ../shared/real-llama/start.sh, and the endpoints the
// harness measures with: /apply-template, /tokenize, the slot's cached tokens and the log's
// "prompt eval time" lines.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// start.sh lives in the shared folder beside the repo; `cacheDir` is where build.sh put the binary
// and tiny.gguf. `extraArgs` go to llama-server (e.g. --chat-template-file).
export async function startLlamaServer({ startScript, cacheDir, extraArgs = [] }) {
  const port = await freePort();
  // --slot-save-path lets the harness read the exact tokens the slot holds after each turn.
  const slotDir = await mkdtemp(join(tmpdir(), 'real-llama-slots-'));
  // One slot, so that consecutive requests share one prefix cache, as for a single agent.
  const args = [startScript, cacheDir, String(port), '-np', '1', '--slot-save-path', `${slotDir}/`, ...extraArgs];
  const log = join(cacheDir, `server-${port}.log`);
  let pid;
  try {
    const { stdout } = await run('bash', args, { timeout: 60_000 });
    pid = Number(stdout.trim().split('\n')[0]);
  } catch (error) {
    const started = Number(String(error.stdout ?? '').trim().split('\n')[0]);
    if (started > 0 && processAlive(started)) process.kill(started, 'SIGTERM');
    const tail = await readFile(log, 'utf8').catch(() => '');
    throw new Error(`llama-server did not start (${args.join(' ')}):\n${tail.split('\n').slice(-15).join('\n')}`);
  }
  const url = `http://127.0.0.1:${port}`;
  let evalLinesSeen = 0;

  return {
    url,
    log,
    async stop() {
      if (processAlive(pid)) {
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 100 && processAlive(pid); ++i) await new Promise((resolve) => setTimeout(resolve, 100));
        if (processAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      await rm(slotDir, { recursive: true, force: true });
    },
    // The prompt llama-server would build for this Chat Completions body (same parser, same template).
    async applyTemplate(body) {
      return (await postJson(`${url}/apply-template`, body)).prompt;
    },
    // add_special as the completion handler tokenizes a prompt (the Qwen2 vocabulary adds no BOS).
    async tokenize(text) {
      return (await postJson(`${url}/tokenize`, { content: text, add_special: true, parse_special: true })).tokens;
    },
    // The tokens slot 0 holds right now: the last prompt and the answer generated after it. Read from
    // a slot save file (llama_state_seq_save_file: u32 magic, u32 version, u32 count, count int32s)
    // whose "tokens" are the server's serialized server_tokens: −1, a format version, the token count,
    // the tokens, then media (none here). Older servers stored the plain token list.
    async slotTokens() {
      const filename = 'slot0.bin';
      await postJson(`${url}/slots/0?action=save`, { filename });
      const data = await readFile(join(slotDir, filename));
      const words = data.readUInt32LE(8);
      const word = (i) => data.readInt32LE(12 + 4 * i);
      const packed = words > 0 && word(0) === -1;
      const start = packed ? 3 : 0;
      const count = packed ? word(2) : words;
      if (start + count > words) throw new Error(`slot save file: ${count} tokens claimed in ${words} words`);
      return Array.from({ length: count }, (_, i) => word(start + i));
    },
    // The token counts of the "prompt eval time = ... / N tokens" lines printed since the last call.
    async newEvalCounts() {
      const text = await readFile(log, 'utf8');
      const counts = [...text.matchAll(/prompt eval time =\s*[\d.]+ ms \/\s*(\d+) tokens/g)].map((m) => Number(m[1]));
      const fresh = counts.slice(evalLinesSeen);
      evalLinesSeen = counts.length;
      return fresh;
    },
  };
}
