// The memory a model steps through: one block with every layer's output, pre-activation, mask and
// gradient buffers for up to `capacity` rows, plus a batch of inputs and targets. Pointers are resolved
// once and re-resolved only if a block moved (after setBackend), so a training step allocates nothing.

import type { Ptr } from '../backend/kernels.js';
import { Block } from '../block.js';
import type { Layer, LayerBuffers } from '../layers/layer.js';

/** Byte offsets of one layer's buffers in the workspace block (-1: not needed). */
interface LayerOffsets {
  y: number;
  z: number;
  mask: number;
  dy: number;
}

export class Workspace {
  readonly block: Block;
  private readonly xOffset: number;
  private readonly targetOffset: number;
  private readonly offsets: LayerOffsets[];
  private readonly buffers: LayerBuffers[];
  private resolvedAt: Ptr[] = [];

  /** @param dims input width then each layer's output width */
  constructor(
    readonly layers: Layer[],
    dims: number[],
    /** Floats (or int32 labels) per target row. */
    readonly targetWidth: number,
    readonly capacity: number,
    owner: object,
    /** The call that needs it, for an out-of-memory Error. */
    op: string,
  ) {
    let bytes = 0;
    const take = (floats: number): number => {
      const at = bytes;
      bytes += Math.ceil((capacity * floats) / 4) * 16;
      return at;
    };
    this.xOffset = take(dims[0]);
    this.targetOffset = take(targetWidth);
    this.offsets = layers.map((layer, i) => {
      const width = dims[i + 1];
      const needs = layer.needs();
      return { y: take(width), z: needs.z ? take(width) : -1, mask: needs.mask ? take(width) : -1, dy: take(width) };
    });
    this.block = new Block(bytes, owner, op, `the layer buffers for a batch of ${capacity} rows`);
    this.buffers = layers.map(() => ({ x: 0, y: 0, z: 0, mask: 0, dy: 0, dx: 0, params: [], grads: [] }));
  }

  /** Batch input rows [capacity, inputDim], for gathered (shuffled) batches. */
  get x(): Ptr {
    return this.block.ptr() + this.xOffset;
  }

  /** Batch target rows [capacity, targetWidth]. */
  get target(): Ptr {
    return this.block.ptr() + this.targetOffset;
  }

  /**
   * Every layer's buffers, with params/grads pointers from the model's arena (bases given).
   * Layer 0's x is set by the caller for each batch.
   */
  resolve(paramsBase: Ptr, gradsBase: Ptr, paramOffsets: number[][]): LayerBuffers[] {
    const base = this.block.ptr();
    const r = this.resolvedAt;
    if (r[0] === base && r[1] === paramsBase && r[2] === gradsBase) return this.buffers;
    this.buffers.forEach((b, i) => {
      const o = this.offsets[i];
      b.x = i === 0 ? 0 : this.buffers[i - 1].y;
      b.y = base + o.y;
      b.z = o.z < 0 ? 0 : base + o.z;
      b.mask = o.mask < 0 ? 0 : base + o.mask;
      b.dy = base + o.dy;
      b.dx = i === 0 ? 0 : base + this.offsets[i - 1].dy;
      b.params = paramOffsets[i].map((off) => paramsBase + off * 4);
      b.grads = paramOffsets[i].map((off) => gradsBase + off * 4);
    });
    this.resolvedAt = [base, paramsBase, gradsBase];
    return this.buffers;
  }
}
