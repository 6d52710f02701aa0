// SPDX-License-Identifier: MIT
// A pass-through HTTP proxy that keeps every request body and answer, so the harness sees exactly what
// Switchboard sent upstream and what the engine answered (timings, usage), byte for byte. For the
// harness's self-test, `proxy.rewrite` may replace a Chat Completions body on its way to the engine.
import { createServer, request as httpRequest } from 'node:http';

export async function startRecordingProxy(upstream) {
  const target = new URL(upstream);
  const exchanges = [];
  const proxy = { exchanges, rewrite: undefined };
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      let requestBody = Buffer.concat(chunks);
      if (proxy.rewrite && incoming.url.endsWith('/chat/completions')) {
        requestBody = Buffer.from(JSON.stringify(proxy.rewrite(JSON.parse(requestBody.toString('utf8')))));
      }
      let finish;
      const exchange = {
        method: incoming.method,
        path: incoming.url,
        requestBody: requestBody.toString('utf8'), // as the engine got it
        // Resolves once the whole answer is in: the client may have its last event before the
        // upstream connection's end reaches the proxy.
        done: new Promise((resolve) => (finish = resolve)),
      };
      exchanges.push(exchange);
      const headers = { ...incoming.headers, host: target.host, 'content-length': String(requestBody.length) };
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers },
        (answer) => {
          exchange.status = answer.statusCode;
          outgoing.writeHead(answer.statusCode, answer.headers);
          const answerChunks = [];
          answer.on('data', (chunk) => {
            answerChunks.push(chunk);
            outgoing.write(chunk);
          });
          answer.on('end', () => {
            exchange.responseBody = Buffer.concat(answerChunks).toString('utf8');
            outgoing.end();
            finish();
          });
        },
      );
      forward.on('error', (error) => {
        exchange.status = 502;
        exchange.responseBody = String(error);
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { message: `proxy: ${error.message}` } }));
        finish();
      });
      forward.end(requestBody);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => new Promise((resolve) => server.close(resolve));
  return proxy;
}

// The last `timings` and `usage` objects of an answer, streamed (SSE) or not.
export function answerStats(responseBody) {
  const stats = { timings: undefined, usage: undefined };
  const take = (json) => {
    if (json.timings) stats.timings = json.timings;
    if (json.usage) stats.usage = json.usage;
  };
  const trimmed = (responseBody ?? '').trim();
  if (trimmed.startsWith('{')) {
    take(JSON.parse(trimmed));
    return stats;
  }
  for (const line of trimmed.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data && data !== '[DONE]') take(JSON.parse(data));
  }
  return stats;
}
