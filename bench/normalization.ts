// Batch normalization in training, forward and backward (M elements/s of x per step), on channels-last data:
// the fused kernels (the batchNormalization layer's path, normalizeBatch: statistics, normalization and the
// gradient through them in four passes over x) against the same computation composed of neurite's existing ops on the tape
// (tf.moments, then the elementwise formula), and against moments then tf.batchNorm (its forward kernel, its
// gradient composed). Run directly to print a table:
//   node --import tsx bench/normalization.ts

import { pathToFileURL } from 'node:url';
import * as tf from '../src/index.js';
import { activeBackend } from '../src/engine.js';
import { normalizeBatch } from '../src/ops/normalization.js';
import { printRows, secondsPerCall, type Row } from './harness.js';

/** [name, x's shape]: a CNN's feature maps, and a dense layer's activations. */
const SHAPES: Array<[string, number[]]> = [
  ['[32, 16, 16, 32] (CNN features)', [32, 16, 16, 32]],
  ['[256, 128] (dense)', [256, 128]],
];

type Normalize = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

function variants(rank: number): Array<[string, Normalize]> {
  const axes = Array.from({ length: rank - 1 }, (_, i) => i);
  return [
    ['fused kernels', (x, gamma, beta) => normalizeBatch(x, gamma, beta, 1e-3).y],
    ['moments + tf.batchNorm', (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, axes);
      return tf.batchNorm(x, mean, variance, beta, gamma);
    }],
    ['composed ops', (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, axes);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-3))), gamma), beta);
    }],
  ];
}

/** M elements/s of x for one training step's normalization, forward and the gradients of x, gamma and beta. */
function measure(impl: string): Row[] {
  const rows: Row[] = [];
  for (const [name, shape] of SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const channels = shape[shape.length - 1];
    const x = tf.randomNormal(shape, 1, 2);
    const [gamma, beta] = [tf.randomUniform([channels], 0.5, 1.5), tf.randomNormal([channels])];
    const dy = tf.randomNormal(shape);
    for (const [variant, normalize] of variants(shape.length)) {
      const step = () => tf.dispose(tf.grads(normalize)([x, gamma, beta], dy));
      const seconds = secondsPerCall(step, 0.5);
      rows.push({ case: `batch norm ${name}, ${variant}`, impl, value: size / seconds / 1e6, unit: 'M elements/s' });
    }
    tf.dispose([x, gamma, beta, dy]);
  }
  return rows;
}

export async function benchNormalization(): Promise<Row[]> {
  await tf.ready();
  const rows = measure(`wasm-${activeBackend().build}`);
  await tf.setBackend('js');
  rows.push(...measure('js'));
  await tf.setBackend('wasm');
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printRows(await benchNormalization());
}
