// model.summary() in TF.js 4.22's layout: a stack of layers (a Sequential model, or a graph where each layer
// is called once on one input) prints name (type), input shape, output shape and parameter count; any other
// graph also prints the inputs each layer receives, as layer[node][tensor].

import { InputLayer } from '../layers/input.js';
import type { Layer } from '../layers/layer.js';
import { checkInt, describe } from '../validate.js';
import type { Graph } from './graph.js';

export function printSummary(
  graph: Graph,
  layers: Layer[],
  params: { total: number; trainable: number },
  lineLength: number | undefined,
  positions: number[] | undefined,
  printFn: (line: string) => void,
): void {
  const stack = isStack(graph);
  const length = lineLength ?? (stack ? 90 : 115);
  checkInt('summary', 'lineLength', length, 20, 1000);
  const count = stack ? 4 : 5;
  const ends = positions ?? (stack ? [0.32, 0.61, 0.89, 1] : [0.24, 0.48, 0.7, 0.8, 1]);
  if (!Array.isArray(ends) || ends.length !== count || !ends.every((p, i) => typeof p === 'number' && p > (ends[i - 1] ?? 0))) {
    throw new Error(`summary: positions must be ${stack ? 'four' : 'five'} increasing numbers (column ends) for this model, got ${describe(positions)}`);
  }
  const columns = ends[count - 1] <= 1 ? ends.map((p) => Math.floor(p * length)) : ends;
  if (columns[count - 1] > 1000) throw new Error(`summary: positions must end within 1000 characters, got ${describe(positions)}`);
  if (typeof printFn !== 'function') throw new Error(`summary: printFn must be a function, got ${describe(printFn)}`);
  const row = (fields: string[]) => {
    let line = '';
    fields.forEach((field, i) => {
      if (i > 0) line = line.slice(0, -1) + ' ';
      line = (line + field).slice(0, columns[i]);
      line += ' '.repeat(columns[i] - line.length);
    });
    printFn(line);
  };

  printFn('_'.repeat(length));
  row(['Layer (type)', 'Input Shape', 'Output shape', 'Param #', ...(stack ? [] : ['Receives inputs'])]);
  printFn('='.repeat(length));
  layers.forEach((layer, i) => {
    const fields = [`${layer.name} (${layer.className})`, inputShapes(layer), outputShape(layer), String(layer.countParams())];
    if (stack) row(fields);
    else {
      const sources = layer.inboundNodes.filter((n) => graph.nodes.has(n)).flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][${t.outputTensorIndex}]`));
      row([...fields, sources[0] ?? '']);
      for (const source of sources.slice(1)) row(['', '', '', '', source]);
    }
    printFn((i === layers.length - 1 ? '=' : '_').repeat(length));
  });
  printFn(`Total params: ${params.total}`);
  printFn(`Trainable params: ${params.trainable}`);
  printFn(`Non-trainable params: ${params.total - params.trainable}`);
  printFn('_'.repeat(length));
}

/** TF.js's test for the short layout: one node per depth, each with one input, and no layer called twice. */
function isStack(graph: Graph): boolean {
  if (graph.nodesByDepth.some((nodes) => nodes.length > 1 || (nodes.length === 1 && nodes[0].inputs.length > 1))) return false;
  return graph.layers.every((layer) => layer.inboundNodes.filter((n) => graph.nodes.has(n)).length <= 1);
}

const json = (value: unknown) => JSON.stringify(value);

/** Each call's input shapes, as TF.js prints them ([[null,3]]; an input layer shows its own shape). */
function inputShapes(layer: Layer): string {
  if (layer instanceof InputLayer) return json([layer.batchInputShape]);
  return layer.inboundNodes.map((n) => json(n.inputShapes)).join(',');
}

function outputShape(layer: Layer): string {
  const shapes = layer.inboundNodes.map((n) => json(n.outputs.length === 1 ? n.outputs[0].shape : n.outputs.map((t) => t.shape)));
  return shapes.length > 0 && shapes.every((s) => s === shapes[0]) ? shapes[0] : 'multiple';
}
