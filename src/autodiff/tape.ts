// The gradient tape, the one mechanism every gradient goes through (tf.grad and its siblings,
// optimizer.minimize, model.fit). While a tape records, each op whose inputs depend on the tape's sources
// adds a node: its inputs, outputs, the tensors its gradient needs (held by the tape, so a tidy inside f
// cannot free them) and its gradient function, written beside the op. Backprop walks the nodes in reverse.
// A fused op (a dense layer, a loss on logits) is one node with one gradient, not a second training path.

import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A preallocated gradient for one source (a model's weight), which a fused op may write straight into
 * (accumulating when `written`) instead of returning a new tensor; see GradFn.
 */
export interface Sink {
  readonly tensor: Tensor;
  written: boolean;
}

/**
 * The gradient of an op: given the gradient of each output (zeros for outputs nothing depends on) and the
 * tensors it saved, returns the gradient of each input (null where needs[i] is false, or for inputs without
 * one). Where into[i] is a Sink the function may write the gradient into it and return sink.tensor.
 * Written with ops (never raw views), so that an outer tape records it: gradients of gradients.
 */
export type GradFn = (dys: Tensor[], saved: Tensor[], needs: boolean[], into: Array<Sink | null>) => Array<Tensor | null>;

interface Node {
  inputs: Tensor[];
  outputs: Tensor[];
  saved: Tensor[];
  grad: GradFn;
  /** The op's name, for errors. */
  op?: string;
  /** Whether its gradient is one fused kernel rather than ops: an outer tape cannot record it. */
  fused: boolean;
}

export class Tape {
  readonly nodes: Node[] = [];
  /** Ids of the sources and of every recorded output: the tensors that depend on a source. */
  readonly tracked = new Set<number>();

  constructor(sources: Tensor[]) {
    for (const s of sources) this.tracked.add(s.id);
  }

  /** Frees what the tape holds (the saved tensors). */
  dispose(): void {
    for (const node of this.nodes) for (const t of node.saved) t.dispose();
    this.nodes.length = 0;
  }
}

/** Tapes recording now, innermost last (nested tapes take higher-order gradients). */
const tapes: Tape[] = [];

/** True while some tape records; ops check it before preparing a record() call. */
export function recording(): boolean {
  return tapes.length > 0;
}

/** Runs fn with no tape recording (customGrad's forward, whose gradient is given instead). */
export function withoutRecording<T>(fn: () => T): T {
  const paused = tapes.splice(0);
  try {
    return fn();
  } finally {
    tapes.push(...paused);
  }
}

/** Runs fn with `tape` recording (and the tapes around it still recording too). */
export function recordOn<T>(tape: Tape, fn: () => T): T {
  tapes.push(tape);
  try {
    return fn();
  } finally {
    tapes.pop();
  }
}

/**
 * Records an op on every tape one of whose tracked tensors is among its inputs. `fused` names an op whose
 * gradient is one kernel (the layers' training nodes): it cannot be differentiated again. `op` names the op
 * in errors (fused's name by default).
 */
export function record(inputs: Tensor[], outputs: Tensor[], saved: Tensor[], grad: GradFn, fused?: string, op = fused): void {
  for (const tape of tapes) {
    if (!inputs.some((t) => tape.tracked.has(t.id))) continue;
    tape.nodes.push({ inputs, outputs, saved: saved.map((t) => share(tape, t)), grad, op, fused: fused !== undefined });
    for (const o of outputs) tape.tracked.add(o.id);
  }
}

/**
 * A handle on t's values that only `owner` disposes. A gradient function computes with it, so on every other
 * tape that tracks t it stands for t (an identity node): that is what lets a gradient be differentiated again.
 */
function share(owner: Tape, t: Tensor): Tensor {
  const s = new Tensor(t.shape, t.dtype, t.block.retain(), 'manual');
  for (const tape of tapes) {
    if (tape === owner || !tape.tracked.has(t.id)) continue;
    tape.nodes.push({ inputs: [t], outputs: [s], saved: [], grad: ([dy]) => [dy], fused: false });
    tape.tracked.add(s.id);
  }
  return s;
}

/**
 * Backprop from y (with gradient dy) to the xs: the gradient of each x, or null where y does not depend on it.
 * Where sinks holds an x's id, its gradient is accumulated there instead (and null is returned for it).
 * Gradients of outputs are freed as soon as their node has used them; the caller runs this in a scope.
 */
export function backprop(tape: Tape, y: Tensor, dy: Tensor, xs: Tensor[], ops: GradientOps, sinks?: Map<number, Sink>): Array<Tensor | null> {
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  const wanted = new Set(xs.map((x) => x.id));
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    let any = false;
    const dys = node.outputs.map((o) => {
      const g = grads.get(o.id);
      if (g !== undefined) any = true;
      return g;
    });
    if (!any) continue;
    const filled = dys.map((g, k) => g ?? ops.zeros(node.outputs[k].shape, node.outputs[k].dtype));
    const needs = node.inputs.map((t) => tape.tracked.has(t.id));
    const into = node.inputs.map((t) => sinks?.get(t.id) ?? null);
    if (node.fused && tapes.some((outer) => outer !== tape && [...node.inputs, ...filled].some((t) => outer.tracked.has(t.id)))) {
      throw new Error(`${node.op}: a gradient of a gradient through it is not supported (its gradient is one fused kernel); differentiate twice through the ops it is made of instead (tf.matMul, tf.add, the activation's op)`);
    }
    const inputGrads = node.grad(filled, node.saved, needs, into);
    checkGradientShapes(node, inputGrads, needs);
    // Each input's gradient must be a tensor of its own: a gradient function may pass dy on, or give one
    // tensor for two inputs. Sharing values is free (a clone shares the block).
    const taken = new Set<Tensor>(filled);
    const own = (g: Tensor, k: number): Tensor => {
      const mine = taken.has(g) && into[k]?.tensor !== g ? ops.clone(g) : g;
      taken.add(mine);
      return mine;
    };
    node.inputs.forEach((input, k) => {
      const given = inputGrads[k];
      if (!needs[k] || given === null || given === undefined) return;
      const g = own(given, k);
      const sink = into[k];
      if (sink !== null) {
        if (g !== sink.tensor) {
          ops.accumulate(sink, g);
          g.dispose();
        }
        sink.written = true;
        return;
      }
      const previous = grads.get(input.id);
      if (previous === undefined) grads.set(input.id, g);
      else {
        grads.set(input.id, ops.add(previous, g));
        previous.dispose();
        g.dispose();
      }
    });
    node.outputs.forEach((o, k) => {
      if (wanted.has(o.id)) return;
      grads.delete(o.id);
      if (filled[k] !== dy) filled[k].dispose();
    });
  }
  return xs.map((x) => grads.get(x.id) ?? null);
}

/**
 * Throws unless each gradient has its input's shape, before any is accumulated: a wrong one (a customGrad's
 * gradFunc may return anything) would otherwise be summed into other values, or copied past a gradient sink.
 */
function checkGradientShapes(node: Node, grads: Array<Tensor | null>, needs: boolean[]): void {
  node.inputs.forEach((input, k) => {
    const g = grads[k];
    if (!needs[k] || g === null || g === undefined) return;
    if (g.shape.length === input.shape.length && g.shape.every((d, i) => d === input.shape[i])) return;
    const op = node.op ?? `the op that made a tensor of shape [${node.outputs[0].shape.join(', ')}]`;
    throw new Error(`Error in the gradient of ${op}: the gradient of input ${k} has shape [${g.shape.join(', ')}], which does not match the input's shape [${input.shape.join(', ')}]`);
  });
}

/** The ops backprop needs, passed in so that the tape does not import the ops (which import the tape). */
export interface GradientOps {
  add(a: Tensor, b: Tensor): Tensor;
  zeros(shape: number[], dtype: DType): Tensor;
  /** A new tensor sharing t's values. */
  clone(t: Tensor): Tensor;
  /** sink += g, or sink = g when nothing was written into it yet. */
  accumulate(sink: Sink, g: Tensor): void;
}
