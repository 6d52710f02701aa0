// SPDX-License-Identifier: MIT
// A pass-through HTTP proxy that keeps every request body and answer, so the harness sees exactly what
// Switchboard sent upstream and what the engine answered (timings, usage), byte for byte.
import { createServer, request as httpRequest } from 'node:http';

export async function startRecordingProxy(upstream) {
  const target = new URL(upstream);
  const exchanges = [];
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      let finish;
      const exchange = {
        method: incoming.method,
        path: incoming.url,
        requestBody: requestBody.toString('utf8'),
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
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
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
