// The functional API's graph, as TF.js's topology: applying a layer to symbolic tensors (placeholders with a
// shape and no values) records a Node, the call of that layer on those inputs, and returns the symbolic
// outputs. tf.model walks the nodes back from its outputs to its inputs and runs them in order.

import type { Kwargs, Layer, Shape } from './layer.js';

let tensorCount = 0;

/** A placeholder for a tensor in a model's graph: its shape (batch axis first, null where unknown) and the layer call that makes it. */
export class SymbolicTensor {
  /** @internal A number unique to this tensor. */
  readonly id = ++tensorCount;
  readonly name: string;
  constructor(
    /** float32 but for an int32 input's (see InputLayer). */
    readonly dtype: 'float32' | 'int32',
    readonly shape: Shape,
    /** The layer whose call makes this tensor. */
    readonly sourceLayer: Layer,
    /** @internal The call that makes it. */
    readonly node: Node,
    /** Which of the call's outputs it is. */
    readonly outputTensorIndex: number,
  ) {
    // As TF.js names them: an input by its layer's name, a layer's output by layer/layer (_i after the first).
    this.name = sourceLayer.getClassName() === 'InputLayer' ? sourceLayer.name : `${sourceLayer.name}/${sourceLayer.name}${outputTensorIndex > 0 ? `_${outputTensorIndex}` : ''}`;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor ${this.name} of shape [${this.shape.map((d) => d ?? 'null').join(',')}]`;
  }
}

/** One call of a layer on symbolic tensors: its inputs, its outputs, and the kwargs it was applied with. */
export class Node {
  outputs: SymbolicTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    /** Whether the layer was given one tensor rather than an array (call gets the same). */
    readonly single: boolean,
    readonly kwargs: Kwargs,
    /** Its position among the layer's calls (TF.js's node index, shown by summary as layer[node][tensor]). */
    readonly index: number,
  ) {}

  get inputShapes(): Shape[] {
    return this.inputs.map((t) => t.shape);
  }
}
