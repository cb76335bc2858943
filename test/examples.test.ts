// The Node examples run as a user runs them (npx tsx examples/<name>.ts against the built package) and
// reach what they promise: the walkthrough's numbers, XOR solved, Iris above 90%, MNIST above 93% held out and
// the MNIST CNN at TF.js's accuracy.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runExample(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], { cwd: ROOT, timeout: 120_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${name} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('examples', () => {
  it('backprop-walkthrough prints the course numbers', async () => {
    const out = await runExample('backprop-walkthrough');
    expect(out).toContain('out = v·h = 0.5·6 = 3');
    expect(out).toContain('(3 - 5)² = 4');
    expect(out).toContain('dL/dv = dL/dout · h = -24.0000');
    expect(out).toContain("dL/dw = dL/dout · v · relu'(z) · x = -4.0000");
    expect(out).toMatch(/w = 3 - 0\.1·\(-4\.0\) = 3\.4000, v = 0\.5 - 0\.1·\(-24\.0\) = 2\.9000/);
  });

  it('xor learns all four cases', async () => {
    const out = await runExample('xor');
    expect(out).toMatch(/accuracy 1\b/);
    const predictions = [...out.matchAll(/^(\d) (\d) -> ([\d.]+)$/gm)].map(([, a, b, p]) => [Number(a) ^ Number(b), Number(p)]);
    expect(predictions).toHaveLength(4);
    for (const [label, p] of predictions) expect(Math.abs(label - p)).toBeLessThan(0.1);
  });

  it('iris reaches more than 90% on the held-out flowers', async () => {
    const out = await runExample('iris');
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThan(90);
  });

  it('mnist (npm run demo) reaches at least 93% held out and compares the js backend', async () => {
    const out = await runExample('mnist', ['--compare-js']);
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(93);
    expect(out).toMatch(/training \d+ samples\/s on wasm/);
    expect(out).toMatch(/the same epoch on the js backend: \d+ samples\/s \(wasm is [\d.]+x faster\)/);
  });

  it("mnist-cnn, TF.js's tutorial CNN, reaches TF.js's 93.75% on the 2,000 held-out digits after 3 epochs on 8,000", async () => {
    const out = await runExample('mnist-cnn');
    expect(out).toMatch(/7996 training and 2004 test digits, 3 epochs of batch 32/);
    expect(Number(/test accuracy ([\d.]+)%/.exec(out)?.[1])).toBeGreaterThanOrEqual(93.75);
  });

  it('classification prints train and test loss side by side', async () => {
    const out = await runExample('classification');
    const lines = [...out.matchAll(/^\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%$/gm)];
    expect(lines).toHaveLength(15);
    expect(Number(lines[14][2])).toBeLessThan(Number(lines[0][2]));
  });
});
