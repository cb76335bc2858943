// A model's graph: the layer calls (nodes) between its symbolic inputs and outputs, found by walking back from
// the outputs as TF.js's Container does, ordered by depth (TF.js's model.layers order, which getWeights and
// model files follow), and run in that order on concrete tensors.

import { InputLayer } from '../layers/input.js';
import { isShapeList, type Kwargs, type Layer, outputMask, type Shape } from '../layers/layer.js';
import { type Node, SymbolicTensor } from '../layers/symbolic.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../validate.js';

export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** The layers, deepest first (inputs first), as TF.js orders model.layers. */
  layers: Layer[];
  /** The nodes to run, in order (the input layers' nodes are not run). */
  steps: Node[];
  /** Nodes by depth (0: those making the outputs), for summary. */
  nodesByDepth: Node[][];
  /** Every node of the graph (a layer may also have calls outside it, in other models). */
  nodes: Set<Node>;
  /** How many nodes of the graph read each tensor, by id (a logits output must be read by none). */
  readers: Map<number, number>;
}

/** The graph from `inputs` to `outputs`; `op` names the call in errors. */
export function buildGraph(op: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new Error(`${op}: inputs[${i}] must be a tf.input() (the output of an InputLayer), but it is made by layer ${t.sourceLayer.name} (${t.sourceLayer.className})`);
    }
  });
  if (new Set(inputs).size !== inputs.length) throw new Error(`${op}: an input is given twice in inputs`);
  // Post-order walk from the outputs: each node after the nodes it reads from.
  const order: Node[] = [];
  /** Layers in the order the walk first meets them: TF.js's order among layers of one depth. */
  const firstSeen = new Map<Layer, number>();
  const done = new Set<Node>();
  const active = new Set<Node>();
  const visit = (t: SymbolicTensor): void => {
    const node = t.node;
    if (done.has(node)) return;
    if (active.has(node)) throw new Error(`${op}: tensor ${t.name} at layer ${node.layer.name} is part of a cycle`);
    active.add(node);
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    for (const x of node.inputs) visit(x);
    active.delete(node);
    done.add(node);
    order.push(node);
  };
  for (const t of outputs) visit(t);

  // Depths as TF.js: a node is one deeper than the deepest node reading it; a layer as deep as its deepest node.
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of order.slice().reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    nodeDepth.set(node, depth);
    layerDepth.set(node.layer, depth);
    for (const x of node.inputs) nodeDepth.set(x.node, Math.max(depth + 1, nodeDepth.get(x.node) ?? 0));
  }
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!);
  const maxDepth = Math.max(...nodeDepth.values());
  const nodesByDepth: Node[][] = Array.from({ length: maxDepth + 1 }, () => []);
  for (const node of order.slice().reverse()) nodesByDepth[nodeDepth.get(node)!].push(node);

  // Every tensor a node reads must be computable from the inputs.
  const computable = new Set<SymbolicTensor>(inputs);
  const steps: Node[] = [];
  const readers = new Map<number, number>();
  for (let depth = maxDepth; depth >= 0; depth--) {
    for (const node of nodesByDepth[depth]) {
      if (node.layer instanceof InputLayer) {
        if (!computable.has(node.outputs[0])) throw new Error(`${op}: the outputs depend on input ${node.layer.name}, which is not among the model's inputs`);
        continue;
      }
      for (const x of node.inputs) {
        if (!computable.has(x)) throw new Error(`${op}: the graph is disconnected: layer ${node.layer.name} needs ${x.name}, which cannot be computed from the model's inputs`);
        readers.set(x.id, (readers.get(x.id) ?? 0) + 1);
      }
      for (const x of node.outputs) computable.add(x);
      steps.push(node);
    }
  }
  const names = new Map<string, number>();
  for (const layer of layers) names.set(layer.name, (names.get(layer.name) ?? 0) + 1);
  for (const [name, count] of names) if (count > 1) throw new Error(`${op}: the name ${JSON.stringify(name)} is used by ${count} layers; layer names must be unique in a model`);
  return { inputs, outputs, layers, steps, nodesByDepth, nodes: new Set(order), readers };
}

/**
 * Runs the graph on concrete inputs (one per graph input, in order; `masks` the masks they carry): each node's
 * layer called on its inputs' values. `logits` lists the nodes whose layer leaves out its final activation (a
 * loss folds it in). Masks flow as in TF.js's executor: a layer is given the mask its (first) input carries as
 * kwargs.mask, and its outputs carry what its computeMask gives when it supportsMasking, nothing otherwise.
 */
export function execute(graph: Graph, inputs: Tensor[], training: boolean, logits: ReadonlySet<Node> | null = null, masks: Array<Tensor | null> = []): Tensor[] {
  const values = new Map<number, Tensor>();
  const carried = new Map<number, Tensor>();
  graph.inputs.forEach((t, i) => {
    values.set(t.id, inputs[i]);
    if (masks[i]) carried.set(t.id, masks[i]!);
  });
  for (const node of graph.steps) {
    const args = node.inputs.map((t) => values.get(t.id)!);
    const argMasks = node.inputs.map((t) => carried.get(t.id) ?? null);
    const kwargs: Kwargs = { ...node.kwargs, training };
    if (logits?.has(node)) kwargs.logits = true;
    if (kwargs.mask == null && argMasks[0]) kwargs.mask = argMasks[0];
    const layer = node.layer;
    const result: unknown = layer.call(node.single ? args[0] : args, kwargs);
    const outs = result instanceof Tensor ? [result] : Array.isArray(result) ? result : null;
    if (!outs || outs.length !== node.outputs.length || !outs.every((t) => t instanceof Tensor)) {
      const wanted = node.outputs.length === 1 ? 'a Tensor' : `${node.outputs.length} tensors`;
      throw new Error(`layer ${layer.name}: call() must return ${wanted}, got ${describe(result)}`);
    }
    const outMasks = layer.supportsMasking ? layer.computeMask(node.single ? args[0] : args, node.single ? argMasks[0] : argMasks) : null;
    node.outputs.forEach((t, i) => {
      values.set(t.id, outs[i]);
      const mask = outputMask(layer, outMasks, i, outs.length);
      if (mask) carried.set(t.id, mask);
    });
  }
  return graph.outputs.map((t) => values.get(t.id)!);
}

/** The output shapes of the graph for input shapes (a model used as a layer on inputs of other batch sizes). */
export function shapesThrough(graph: Graph, inputShapes: Shape[]): Shape[] {
  const shapes = new Map<number, Shape>();
  graph.inputs.forEach((t, i) => shapes.set(t.id, inputShapes[i]));
  for (const node of graph.steps) {
    const given = node.inputs.map((t) => shapes.get(t.id)!.slice());
    const out = node.layer.computeOutputShape(node.single ? given[0] : given);
    (isShapeList(out) ? out : [out]).forEach((s, i) => shapes.set(node.outputs[i].id, s));
  }
  return graph.outputs.map((t) => shapes.get(t.id)!);
}
