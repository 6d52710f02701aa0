// SPDX-License-Identifier: MIT
// The relay benchmark: the same load, interleaved, against the backend directly, through headless
// Switchboard, and through claude-code-router 2.0.0; then scale and start-up. Run by `bench/run`;
// see BENCHMARKS.md for what each figure means.
//
//   node bench/bench.mjs [--seconds 3] [--rounds 3] [--streams 10000] [--skip-scale] [--write]
//
// --write replaces the results section of BENCHMARKS.md; the raw figures always go to
// build/bench/results.json.
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'build', 'bin', name);
const work = join(root, 'build', 'bench');
mkdirSync(work, {recursive: true});

const argv = process.argv.slice(2);
const option = (name, fallback) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 && at + 1 < argv.length && !argv[at + 1].startsWith('--') ? argv[at + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);
const phaseSeconds = Number(option('seconds', 3));
const rounds = Number(option('rounds', 3));
const scaleStreams = Number(option('streams', 10000));
const TICK_MS = 10; // USER_HZ is 100 on Linux

// --- processes -------------------------------------------------------------------------------
const children = [];
process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));

function start(command, args, {env, readyPattern = /Listening on (http:\/\/\S+)/, timeoutMs = 20000} = {}) {
    const child = spawn(command, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    children.push(child);
    const started = process.hrtime.bigint();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    return new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`${command} did not start: ${stderr}`)), timeoutMs);
        child.stdout.on('data', (chunk) => {
            out += chunk;
            const match = out.match(readyPattern);
            if (match) {
                clearTimeout(timer);
                resolve({child, url: match[1], readyMs: Number(process.hrtime.bigint() - started) / 1e6,
                         stderr: () => stderr});
            }
        });
        child.on('exit', (code, signal) => {
            if (!stopping.has(child)) console.error(`bench: ${command} ${args.join(' ')} exited (${code ?? signal}): ${stderr}`);
            reject(new Error(`${command} exited with ${code}: ${stderr}`));
        });
    });
}

const stopping = new Set();
async function stop(child) {
    stopping.add(child);
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15000).then(() => child.kill('SIGKILL'))]);
}

function procStat(pid) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {cpuTicks: Number(fields[11]) + Number(fields[12])};
}

function procMemory(pid) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))[1]);
    return {rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), fds: readdirSync(`/proc/${pid}/fd`).length};
}

function run(command, args, timeoutMs) {
    return new Promise((resolve) => {
        const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe']});
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (err += chunk));
        const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
        child.on('exit', (code, signal) => {
            if (timer) clearTimeout(timer);
            resolve({code, signal, out, err});
        });
    });
}

async function loadgen(args, timeoutMs = 600000) {
    const result = await run(bin('sb-loadgen'), args, timeoutMs);
    if (result.signal) return {timedOut: true, errors: -1};
    try {
        return JSON.parse(result.out);
    } catch {
        throw new Error(`sb-loadgen failed: ${result.err}${result.out}`);
    }
}

// --- statistics ------------------------------------------------------------------------------
const percentile = (values, p) => {
    if (!values.length) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (value, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

// --- the three paths ---------------------------------------------------------------------------
const backend = await start(bin('sb-bench-backend'), []);
const barrierBackend = await start(bin('sb-bench-backend'), ['--hold-until', '256']);
const switchboardConfig = join(work, 'switchboard.json');
const noLimits = {max_concurrent: 100000, max_queued: 0};
writeFileSync(switchboardConfig, JSON.stringify({
    backends: [
        {name: 'bench', type: 'openai', url: `${backend.url}/v1`, limits: noLimits},
        {name: 'barrier', type: 'openai', url: `${barrierBackend.url}/v1`, limits: noLimits},
        {name: 'sim', type: 'simulator', tokens_per_second: 1},
    ],
    routes: [{model: 'barrier-*', backend: 'barrier'}, {model: 'sim-*', backend: 'sim'}],
    default: 'bench',
}));
const switchboard = await start(bin('switchboard'), ['--headless', '--port', '0', '--quiet', '--config', switchboardConfig]);

const ccrHome = mkdtempSync(join(tmpdir(), 'sb-bench-ccr-'));
const ccrPort = 20000 + Math.floor(Math.random() * 20000);
mkdirSync(join(ccrHome, '.claude-code-router'), {recursive: true});
writeFileSync(join(ccrHome, '.claude-code-router', 'config.json'), JSON.stringify({
    LOG: false, HOST: '127.0.0.1', PORT: ccrPort,
    Providers: [{name: 'bench', api_base_url: `${backend.url}/v1/chat/completions`, api_key: 'sk-bench',
                 models: ['bench-d0-n50', 'bench-d20-n10']}],
    Router: {default: 'bench,bench-d0-n50'},
}));
const ccrCli = join(root, 'bench', 'ccr', 'node_modules', '@musistudio', 'claude-code-router', 'dist', 'cli.js');
const ccr = await start('node', [ccrCli, 'start'], {env: {HOME: ccrHome}, readyPattern: /Loaded JSON config/});
for (let tries = 0; !(await fetch(`http://127.0.0.1:${ccrPort}/health`).then((r) => r.ok, () => false)); ++tries) {
    if (tries > 100) throw new Error(`claude-code-router did not answer on port ${ccrPort}: ${ccr.stderr()}`);
    await sleep(100);
}
console.error('bench: backend, Switchboard and claude-code-router are up; warming up');

const paths = [
    {name: 'direct', url: `${backend.url}/v1/chat/completions`, api: 'openai', model: (m) => m, pid: null},
    {name: 'switchboard', url: `${switchboard.url}/v1/messages`, api: 'anthropic', model: (m) => m,
     pid: switchboard.child.pid},
    {name: 'ccr', url: `http://127.0.0.1:${ccrPort}/v1/messages`, api: 'anthropic', model: (m) => `bench,${m}`,
     pid: ccr.child.pid},
];

const phases = [
    {name: 'json_c1', model: 'bench-d0-n50', stream: false, concurrency: 1, tokens: 50},
    {name: 'json_c32', model: 'bench-d0-n50', stream: false, concurrency: 32, tokens: 50},
    {name: 'stream_ttft', model: 'bench-d20-n10', stream: true, concurrency: 4, tokens: 10},
    {name: 'stream_c32', model: 'bench-d0-n50', stream: true, concurrency: 32, tokens: 50},
];

// Warm-up: JIT, pools and caches, for every path alike.
for (const path of paths) {
    for (const phase of phases) {
        console.error(`bench: warming up ${path.name} ${phase.name}`);
        await loadgen(['--url', path.url, '--api', path.api, '--model', path.model(phase.model), '--concurrency',
                       String(phase.concurrency), '--seconds', '1', '--tokens', String(phase.tokens),
                       ...(phase.stream ? ['--stream'] : [])]);
    }
}

const results = {};
for (let r = 0; r < rounds; ++r) {
    for (const phase of phases) {
        // Rotate the order each round, so no path always runs first or last.
        const order = paths.map((_, i) => paths[(i + r) % paths.length]);
        for (const path of order) {
            const samples = join(work, `samples-${path.name}-${phase.name}.json`);
            const before = path.pid ? procStat(path.pid) : null;
            const result = await loadgen([
                '--url', path.url, '--api', path.api, '--model', path.model(phase.model), '--concurrency',
                String(phase.concurrency), '--seconds', String(phaseSeconds), '--tokens', String(phase.tokens),
                '--samples', samples, ...(phase.stream ? ['--stream'] : [])]);
            const after = path.pid ? procStat(path.pid) : null;
            const raw = JSON.parse(readFileSync(samples, 'utf8'));
            const entry = (results[phase.name] ??= {})[path.name] ??=
                {latency: [], ttft: [], ok: 0, errors: 0, seconds: 0, cpuTicks: 0, errorExamples: []};
            for (const value of raw.latencyUs) entry.latency.push(value);
            for (const value of raw.ttftUs) entry.ttft.push(value);
            entry.ok += result.ok;
            entry.errors += result.errors;
            entry.seconds += result.seconds;
            entry.errorExamples.push(...result.errorExamples.slice(0, 2));
            if (before) entry.cpuTicks += after.cpuTicks - before.cpuTicks;
        }
    }
    console.error(`bench: round ${r + 1}/${rounds} done`);
}

const relay = {};
for (const [phaseName, byPath] of Object.entries(results)) {
    relay[phaseName] = {};
    for (const [pathName, entry] of Object.entries(byPath)) {
        relay[phaseName][pathName] = {
            requests: entry.ok, errors: entry.errors, rps: round(entry.ok / entry.seconds),
            latencyUs: {p50: round(percentile(entry.latency, 50)), p99: round(percentile(entry.latency, 99))},
            ttftUs: {p50: round(percentile(entry.ttft, 50)), p99: round(percentile(entry.ttft, 99))},
            cpuUsPerRequest: entry.cpuTicks ? round((entry.cpuTicks * TICK_MS * 1000) / entry.ok) : null,
            errorExamples: entry.errorExamples.slice(0, 3),
        };
    }
}
const memory = {switchboard: procMemory(switchboard.child.pid), ccr: procMemory(ccr.child.pid)};

// --- scale -----------------------------------------------------------------------------------
const scale = {};
if (!flag('skip-scale')) {
    // 256 streams to one backend that answers nobody until all 256 have arrived.
    const barrier = await loadgen(['--url', `${switchboard.url}/v1/messages`, '--api', 'anthropic', '--model',
                                   'barrier-d0-n5', '--stream', '--concurrency', '256', '--requests', '256',
                                   '--tokens', '5'], 30000);
    scale.barrier256 = {passed: !barrier.timedOut && barrier.errors === 0 && barrier.ok === 256,
                        ok: barrier.ok ?? 0, errors: barrier.errors};

    // Many open, mostly idle streams: one token a second for 20 s each.
    async function manyStreams(name, args, streams) {
        const idle = procMemory(switchboard.child.pid);
        let peak = idle;
        const sampler = setInterval(() => {
            const now = procMemory(switchboard.child.pid);
            if (now.rssKb > peak.rssKb) peak = now;
        }, 250);
        const result = await loadgen(['--url', `${switchboard.url}/v1/messages`, '--api', 'anthropic', '--stream',
                                      '--concurrency', String(streams), '--requests', String(streams),
                                      '--stall-ms', '2500', ...args], 300000);
        clearInterval(sampler);
        scale[name] = {
            streams, ok: result.ok, errors: result.errors, stalls: result.stalls, maxGapMs: result.maxGapMs,
            firstEventMs: result.firstEventMs,
            idleRssMb: round(idle.rssKb / 1024), peakRssMb: round(peak.rssKb / 1024), peakFds: peak.fds,
            kbPerStream: round((peak.rssKb - idle.rssKb) / streams),
            errorExamples: result.errorExamples,
        };
        console.error(`bench: ${name} done`);
    }
    const words = Array.from({length: 20}, () => 'w').join(' ');
    await manyStreams('simulatorStreams',
                      ['--model', 'sim-slow', '--content', `Say exactly: ${words}`, '--tokens', '20',
                       '--text-bytes', String(words.length)],
                      scaleStreams);
    // A relayed stream holds two sockets; stay under the process's open-file limit.
    const limit = Number(readFileSync(`/proc/${switchboard.child.pid}/limits`, 'utf8')
                             .match(/Max open files\s+(\d+)/)[1]);
    const relayStreams = Math.min(scaleStreams, Math.floor((limit - 100) / 2));
    await manyStreams('relayStreams', ['--model', 'bench-d1000-n20', '--tokens', '20'], relayStreams);
    scale.openFileLimit = limit;
}

await stop(switchboard.child);
await run('node', [ccrCli, 'stop'], 20000).catch(() => {});
await stop(ccr.child);
rmSync(ccrHome, {recursive: true, force: true});

// --- start-up ----------------------------------------------------------------------------------
async function startup(args, env) {
    const ready = [];
    const idle = [];
    for (let i = 0; i < 10; ++i) {
        const instance = await start(bin('switchboard'), ['--port', '0', '--quiet', ...args], {env});
        ready.push(instance.readyMs);
        await sleep(500);
        idle.push(procMemory(instance.child.pid).rssKb / 1024);
        await stop(instance.child);
    }
    return {readyMsMedian: round(percentile(ready, 50)), readyMsMax: round(Math.max(...ready)),
            idleRssMbMedian: round(percentile(idle, 50))};
}
const startupResults = {
    headless: await startup(['--headless'], {}),
    window: await startup([], {QT_QPA_PLATFORM: 'offscreen'}),
};
await stop(backend.child);
await stop(barrierBackend.child);

// --- report ------------------------------------------------------------------------------------
const report = {
    date: new Date().toISOString(), machine: {cpus: (await import('node:os')).cpus().length},
    phaseSeconds, rounds, relay, memory, scale, startup: startupResults,
};
writeFileSync(join(work, 'results.json'), JSON.stringify(report, null, 2));

const d = relay;
const added = (phase, path, metric) => d[phase][path][metric].p50 - d[phase].direct[metric].p50;
const added99 = (phase, path, metric) => d[phase][path][metric].p99 - d[phase].direct[metric].p99;
const ratio = (a, b) => (b > 0 && a >= 0 ? round(a / b, 3) : null);
const fmtMs = (us) => (us === null || Number.isNaN(us) ? 'n/a' : `${(us / 1000).toFixed(3)} ms`);
const lines = [];
lines.push(`Measured ${report.date} on ${report.machine.cpus} cores: ${rounds} interleaved rounds of ` +
           `${phaseSeconds} s per phase and path, after a warm-up.`, '');
lines.push('| Figure | Switchboard | claude-code-router 2.0.0 | Switchboard ÷ ccr | Target |');
lines.push('|---|---|---|---|---|');
const row = (label, sb, cc, target, format = fmtMs) =>
    lines.push(`| ${label} | ${format(sb)} | ${format(cc)} | ${ratio(sb, cc) ?? 'n/a'} | ${target} |`);
row('Added p50 latency, JSON, c=1', added('json_c1', 'switchboard', 'latencyUs'),
    added('json_c1', 'ccr', 'latencyUs'), '≤ 0.15 ms');
row('Added p99 latency, JSON, c=1', added99('json_c1', 'switchboard', 'latencyUs'),
    added99('json_c1', 'ccr', 'latencyUs'), '');
row('Added p50 latency, JSON, c=32', added('json_c32', 'switchboard', 'latencyUs'),
    added('json_c32', 'ccr', 'latencyUs'), '');
row('Added p99 latency, JSON, c=32', added99('json_c32', 'switchboard', 'latencyUs'),
    added99('json_c32', 'ccr', 'latencyUs'), '');
row('Added time to first token (p50), stream, 20 ms/token', added('stream_ttft', 'switchboard', 'ttftUs'),
    added('stream_ttft', 'ccr', 'ttftUs'), '≤ 0.2 ms');
row('Relay CPU per JSON request', d.json_c32.switchboard.cpuUsPerRequest, d.json_c32.ccr.cpuUsPerRequest,
    '≤ 1/20 of ccr');
row('Relay CPU per 50-token stream', d.stream_c32.switchboard.cpuUsPerRequest, d.stream_c32.ccr.cpuUsPerRequest,
    '≤ 1/20 of ccr');
const rps = (x) => `${x} /s`;
row('Requests/s, JSON, c=32 (direct: ' + d.json_c32.direct.rps + ' /s)', d.json_c32.switchboard.rps,
    d.json_c32.ccr.rps, '', rps);
row('Streams/s, 50 tokens, c=32 (direct: ' + d.stream_c32.direct.rps + ' /s)', d.stream_c32.switchboard.rps,
    d.stream_c32.ccr.rps, '', rps);
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
row('Peak RSS after the load', memory.switchboard.hwmKb, memory.ccr.hwmKb, '', mb);
lines.push('');
lines.push('Direct to the backend (the floor): JSON c=1 p50 ' + fmtMs(d.json_c1.direct.latencyUs.p50) +
           ', time to first token p50 ' + fmtMs(d.stream_ttft.direct.ttftUs.p50) + '.');
const errors = Object.entries(relay).flatMap(([phase, byPath]) =>
    Object.entries(byPath).filter(([, v]) => v.errors).map(([path, v]) => `${phase}/${path}: ${v.errors}`));
lines.push(`Invalid or failed responses: ${errors.length ? errors.join(', ') : 'none'}.`, '');
if (scale.barrier256) {
    lines.push('| Scale | Result |', '|---|---|');
    lines.push(`| 256 concurrent streams to one backend that answers none until all 256 arrive | ` +
               `${scale.barrier256.passed ? 'all 256 completed' : `FAILED (${scale.barrier256.ok} completed)`} |`);
    for (const [key, label] of [['simulatorStreams', 'simulator backend'], ['relayStreams', 'OpenAI backend (relayed)']]) {
        const s = scale[key];
        lines.push(`| ${s.streams} concurrent streams, ${label}, one token per second | ${s.kbPerStream} KB RSS per ` +
                   `stream (${s.idleRssMb} → ${s.peakRssMb} MB); ${s.ok} completed, ${s.errors} failed; first event ` +
                   `after ${round(s.firstEventMs?.p50)} ms (p50), ${round(s.firstEventMs?.max)} ms (max); then ` +
                   `${s.stalls} gaps over 2.5 s, longest gap ${s.maxGapMs} ms |`);
    }
    lines.push('');
}
lines.push('| Start-up | Median time to `Listening on` | Idle RSS |', '|---|---|---|');
lines.push(`| Headless | ${startupResults.headless.readyMsMedian} ms | ${startupResults.headless.idleRssMbMedian} MB |`);
lines.push(`| Window (offscreen) | ${startupResults.window.readyMsMedian} ms | ${startupResults.window.idleRssMbMedian} MB |`);
const table = lines.join('\n');
console.log(table);

if (flag('write')) {
    const file = join(root, 'BENCHMARKS.md');
    const text = readFileSync(file, 'utf8');
    const begin = '<!-- results:begin -->';
    const end = '<!-- results:end -->';
    writeFileSync(file, text.slice(0, text.indexOf(begin) + begin.length) + '\n' + table + '\n' +
                            text.slice(text.indexOf(end)));
}
process.exit(0);
