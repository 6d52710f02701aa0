// SPDX-License-Identifier: MIT
// Starts headless Switchboard processes for the SDK tests and stops them again.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const binary =
  process.env.SWITCHBOARD_BIN ?? fileURLToPath(new URL('../../build/bin/switchboard', import.meta.url));

// Resolves with { url, stop() } once the process prints its "Listening on" line.
export async function startSwitchboard(args = []) {
  const child = spawn(binary, ['--headless', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`switchboard did not start: ${stderr}`)), 10_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^Listening on (http:\/\/\S+)\n/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchboard exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code;
    },
  };
}
