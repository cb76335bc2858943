// Types of browser-workload.js, for bench/browser.ts, which runs it in Node.

export interface WorkloadData {
  /** MNIST training pixels, row-major [rows, 784]. */
  mnistX: Float32Array;
  /** Their classes, 0-9. */
  mnistLabels: Int32Array;
  /** XOR points, [rows, 2]. */
  xorX: Float32Array;
  /** Their 0/1 labels, [rows]. */
  xorY: Float32Array;
}

export interface WorkloadResult {
  case: string;
  threads: 1 | 2;
  value: number;
  unit: string;
}

export function runWorkloads(tf: typeof import('../dist/index.js'), data: WorkloadData): Promise<WorkloadResult[]>;
