// Runs a Node example as a user runs it (node --import tsx examples/<name>.ts, against the built package)
// and returns what it printed.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function runExample(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], { cwd: ROOT, timeout: 120_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${name} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
