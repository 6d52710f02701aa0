// SPDX-License-Identifier: MIT
// Soak: hours of concurrent streams against headless Switchboard, with clients that hang up at
// random and a backend that dies, hangs and refuses at random. Samples Switchboard's resident
// memory and open file descriptors; at the end they must have stayed flat, every answer must have
// been well-formed, and Switchboard must exit cleanly on SIGTERM.
//
//   node tests/soak/soak.mjs [--minutes 60] [--clients 32] [--binary build/bin/switchboard]
//
// Not part of CI (it is meant to run long); see CONTRIBUTING.md. Needs only Node 18+.
import {spawn} from 'node:child_process';
import {createServer} from 'node:http';
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

const args = Object.fromEntries(
    process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const minutes = Number(args.minutes ?? 60);
const clients = Number(args.clients ?? 32);
const binary = args.binary ?? 'build/bin/switchboard';
const sampleEveryMs = Number(args['sample-seconds'] ?? 10) * 1000;

const random = (low, high) => low + Math.floor(Math.random() * (high - low + 1));
const chance = (p) => Math.random() < p;

// --- the misbehaving backend -------------------------------------------------------------------
const backendStats = {requests: 0, killed: 0, hung: 0, refused: 0};
const backend = createServer((request, response) => {
    if (request.method === 'GET') {
        response.writeHead(200, {'content-type': 'application/json'});
        response.end(JSON.stringify({object: 'list', data: [{id: 'soak', object: 'model'}]}));
        return;
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
        backendStats.requests++;
        if (chance(0.03)) {
            backendStats.refused++;
            response.writeHead(503, {'content-type': 'application/json', 'retry-after': '0'});
            response.end(JSON.stringify({error: {message: 'Loading model'}}));
            return;
        }
        response.writeHead(200, {'content-type': 'text/event-stream'});
        const tokens = random(5, 200);
        const killAt = chance(0.08) ? random(0, tokens) : -1;
        const hangAt = killAt < 0 && chance(0.01) ? random(0, tokens) : -1;
        let sent = 0;
        const timer = setInterval(() => {
            if (sent === killAt) {
                backendStats.killed++;
                clearInterval(timer);
                response.socket?.destroy();
                return;
            }
            if (sent === hangAt) {
                backendStats.hung++;
                clearInterval(timer); // never another byte; Switchboard's idle timeout ends it
                return;
            }
            if (sent < tokens) {
                response.write(`data: ${JSON.stringify({choices: [{index: 0, delta: {content: ` t${sent}`}}]})}\n\n`);
                sent++;
                return;
            }
            clearInterval(timer);
            response.write(`data: ${JSON.stringify({choices: [{index: 0, delta: {}, finish_reason: 'stop'}],
                usage: {prompt_tokens: 7, completion_tokens: tokens}})}\n\n`);
            response.end('data: [DONE]\n\n');
        }, random(2, 15));
        response.on('close', () => clearInterval(timer));
    });
});
await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendUrl = `http://127.0.0.1:${backend.address().port}/v1`;

// --- Switchboard ---------------------------------------------------------------------------
// Short upstream timeouts: a hung backend must end in Switchboard's 504 or error event well before
// the client's own deadlines (undici gives up on headers after 300 s, as long as the defaults).
const configDir = mkdtempSync(join(tmpdir(), 'soak-'));
const configPath = join(configDir, 'config.json');
writeFileSync(configPath, JSON.stringify({
    backends: [{name: 'soak', type: 'openai', url: backendUrl,
                timeouts: {connect_ms: 5000, first_byte_ms: 20000, idle_ms: 20000}}],
    default: 'soak',
}));
const server = spawn(binary, ['--headless', '--port', '0', '--quiet', '--data-dir', configDir, '--config', configPath],
                     {stdio: ['ignore', 'pipe', 'inherit']});
const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
        out += chunk;
        const match = out.match(/Listening on (http:\/\/\S+)/);
        if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`switchboard exited with ${code}`)));
});

// --- clients ---------------------------------------------------------------------------------
const outcomes = {complete: 0, errorEvent: 0, errorStatus: 0, abandoned: 0, malformed: 0};
const malformedExamples = [];
let stopping = false;
const inFlight = new Set();

async function oneRequest() {
    const stream = chance(0.8);
    const controller = new AbortController();
    inFlight.add(controller);
    const abandon = chance(0.15);
    if (abandon) setTimeout(() => controller.abort(), random(1, 400));
    try {
        const response = await fetch(`${baseUrl}/v1/messages`, {
            method: 'POST',
            signal: controller.signal,
            headers: {'content-type': 'application/json', 'anthropic-version': '2023-06-01'},
            body: JSON.stringify({model: 'soak', max_tokens: 512, stream,
                                  messages: [{role: 'user', content: 'Tell me a long story.'}]}),
        });
        const text = await response.text();
        if (response.status !== 200) {
            const error = JSON.parse(text);
            if (error.type !== 'error' || !error.error?.type || !error.request_id) throw new Error(`bad error body ${text}`);
            outcomes.errorStatus++;
            return;
        }
        if (!stream) {
            const message = JSON.parse(text);
            if (message.type !== 'message' || !message.stop_reason) throw new Error(`bad message ${text.slice(0, 200)}`);
            outcomes.complete++;
            return;
        }
        const events = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
        const last = events.at(-1);
        if (events[0] !== 'message_start' && !(events.length === 1 && last === 'error')) {
            throw new Error(`stream starts with ${events[0]}`);
        }
        if (last === 'message_stop') outcomes.complete++;
        else if (last === 'error' && !events.includes('message_stop')) outcomes.errorEvent++;
        else throw new Error(`stream ends with ${last}`);
    } catch (error) {
        if (controller.signal.aborted) {
            outcomes.abandoned++;
            return;
        }
        outcomes.malformed++;
        if (malformedExamples.length < 5) malformedExamples.push(String(error).slice(0, 300));
        console.error(`soak: malformed answer: ${String(error).slice(0, 300)}`);
    } finally {
        inFlight.delete(controller);
    }
}

async function clientLoop() {
    while (!stopping) await oneRequest();
}

// --- sampling --------------------------------------------------------------------------------
function sample() {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)[1]);
    const fds = readdirSync(`/proc/${server.pid}/fd`).length;
    return {rssKb, fds};
}

const started = Date.now();
const samples = [];
const loops = Array.from({length: clients}, clientLoop);
console.log(`soak: ${clients} clients for ${minutes} min against ${baseUrl} (backend ${backendUrl})`);
console.log('minute  rss_MB  fds  requests  complete  error_event  error_status  abandoned  malformed');
while (Date.now() - started < minutes * 60_000) {
    await sleep(Math.min(sampleEveryMs, minutes * 60_000 - (Date.now() - started)));
    const now = sample();
    samples.push({at: (Date.now() - started) / 60_000, ...now});
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    console.log(`${samples.at(-1).at.toFixed(1).padStart(6)}  ${(now.rssKb / 1024).toFixed(1).padStart(6)}  ${String(now.fds).padStart(3)}  ` +
                `${String(total).padStart(8)}  ${String(outcomes.complete).padStart(8)}  ${String(outcomes.errorEvent).padStart(11)}  ` +
                `${String(outcomes.errorStatus).padStart(12)}  ${String(outcomes.abandoned).padStart(9)}  ${String(outcomes.malformed).padStart(9)}`);
}
stopping = true;
for (const controller of inFlight) controller.abort(); // the ones waiting on a hung backend, too
await Promise.all(loops);
// Idle again: every connection the clients opened must be gone.
await sleep(2000);
const idle = sample();

server.kill('SIGTERM');
const exitCode = await new Promise((resolve) => server.on('exit', (code) => resolve(code)));
backend.close();

// Flat: after a warm-up fifth, memory grows by less than 20 % (allocator noise) and the idle
// descriptor count is back to where the warm-up's was.
const warm = samples[Math.floor(samples.length / 5)] ?? samples[0];
const peakAfterWarm = Math.max(...samples.slice(Math.floor(samples.length / 5)).map((s) => s.rssKb));
const summary = {
    minutes, clients, outcomes, backend: backendStats,
    rssMb: {warm: +(warm.rssKb / 1024).toFixed(1), peakAfterWarm: +(peakAfterWarm / 1024).toFixed(1),
            idleAtEnd: +(idle.rssKb / 1024).toFixed(1)},
    fds: {first: samples[0].fds, idleAtEnd: idle.fds},
    exitCode,
    malformedExamples,
};
const flatMemory = peakAfterWarm <= warm.rssKb * 1.2;
const flatFds = idle.fds <= samples[0].fds;
const ok = flatMemory && flatFds && outcomes.malformed === 0 && exitCode === 0;
console.log(JSON.stringify(summary, null, 2));
console.log(ok ? 'soak: PASS' : `soak: FAIL (memory flat: ${flatMemory}, fds flat: ${flatFds}, ` +
                                `malformed: ${outcomes.malformed}, exit: ${exitCode})`);
process.exit(ok ? 0 : 1);
