// The pure-TypeScript twin of assembly/: the same Kernels over a Heap of plain ArrayBuffer memory.
// It is the baseline the wasm core is measured against and the fallback where wasm is unavailable.

import { Backend } from '../backend.js';
import { ArrayMemory, Heap } from '../heap.js';
import type { Kernels } from '../kernels.js';
import { activationKernels } from './activations.js';
import { broadcastKernels } from './broadcast.js';
import { castKernels } from './cast.js';
import { convKernels } from './conv.js';
import { imageKernels } from './image.js';
import { layoutKernels } from './layout.js';
import { elementwiseKernels } from './elementwise.js';
import { lossKernels } from './losses.js';
import { matmulKernels } from './matmul.js';
import { optimizerKernels } from './optimizers.js';
import { randomKernels } from './random.js';
import { matrixKernels } from './matrix.js';
import { normalizationKernels } from './normalization.js';
import { recurrentKernels } from './recurrent.js';
import { reduceKernels } from './reduce.js';
import { searchKernels } from './search.js';
import { signalKernels } from './signal.js';
import { unaryKernels } from './unary.js';

export function createJsBackend(): Backend {
  const heap = new Heap(new ArrayMemory(16), 0);
  const kernels: Kernels = {
    ...matmulKernels(heap),
    ...elementwiseKernels(heap),
    ...activationKernels(heap),
    ...lossKernels(heap),
    ...optimizerKernels(heap),
    ...randomKernels(heap),
    ...matrixKernels(heap),
    ...broadcastKernels(heap),
    ...castKernels(heap),
    ...layoutKernels(heap),
    ...reduceKernels(heap),
    ...searchKernels(heap),
    ...signalKernels(heap),
    ...unaryKernels(heap),
    ...convKernels(heap),
    ...imageKernels(heap),
    ...normalizationKernels(heap),
    ...recurrentKernels(heap),
  };
  return new Backend('js', 'js', kernels, heap);
}
