// Reads the examples' SVG pictures back without an XML parser: a well-formedness check (one root, every tag
// closed in order, attributes quoted and not repeated, text escaped), the elements' attributes, the plot's
// axes as maps from pixels back to data, and the decision boundary's cells as rectangles with their fill.

export type Attributes = Record<string, string>;

const TAG = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>$/;

/** What makes the document not well-formed XML; empty when it is. */
export function wellFormedProblems(svg: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  let at = 0;
  for (const match of svg.matchAll(/<[^>]*>/g)) {
    const text = svg.slice(at, match.index);
    if (/[<>]|&(?!(amp|lt|gt|quot|apos);)/.test(text)) problems.push(`unescaped text ${JSON.stringify(text.slice(0, 40))}`);
    if (open.length === 0 && text.trim() !== '') problems.push(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
    at = match.index + match[0].length;
    const tag = TAG.exec(match[0]);
    if (!tag) {
      problems.push(`malformed tag ${match[0].slice(0, 60)}`);
      continue;
    }
    const [, closing, name, attributes, selfClosing] = tag;
    const names = [...attributes.matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) problems.push(`repeated attribute in ${match[0].slice(0, 60)}`);
    if (closing) {
      const expected = open.pop();
      if (expected !== name) problems.push(`</${name}> closes <${expected}>`);
    } else if (!selfClosing) {
      if (open.length === 0) roots++;
      open.push(name);
    } else if (open.length === 0) roots++;
  }
  if (svg.slice(at).trim() !== '') problems.push('text after the root');
  if (open.length) problems.push(`unclosed <${open.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** The attributes of every <name> element, in document order (of the part of svg given). */
export function elements(svg: string, name: string): Attributes[] {
  return [...svg.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

/** The inside of the first <g class="name">. */
export function group(svg: string, name: string): string {
  const start = svg.indexOf(`<g class="${name}">`);
  if (start < 0) throw new Error(`no group ${name}`);
  return svg.slice(start, svg.indexOf('</g>', start));
}

/** [width, height] of the viewBox (which starts at 0 0), checked against the width and height attributes. */
export function viewBox(svg: string): [number, number] {
  const root = elements(svg, 'svg')[0];
  const [x, y, width, height] = root.viewBox.split(' ').map(Number);
  if (x !== 0 || y !== 0 || width !== Number(root.width) || height !== Number(root.height)) throw new Error(`viewBox ${root.viewBox} vs ${root.width}x${root.height}`);
  return [width, height];
}

/** Every coordinate the picture draws at: x, y, cx, cy, x1..y2 attributes, polyline points, path corners. */
export function coordinates(svg: string): Array<[axis: 'x' | 'y', value: number]> {
  const out: Array<['x' | 'y', number]> = [];
  for (const name of ['rect', 'text', 'circle', 'line', 'polyline', 'path']) {
    for (const a of elements(svg, name)) {
      for (const key of ['x', 'cx', 'x1', 'x2']) if (key in a) out.push(['x', Number(a[key])]);
      for (const key of ['y', 'cy', 'y1', 'y2']) if (key in a) out.push(['y', Number(a[key])]);
      if (name === 'rect' && a.width) out.push(['x', Number(a.x ?? 0) + Number(a.width)], ['y', Number(a.y ?? 0) + Number(a.height)]);
      if (a.points) for (const [x, y] of a.points.split(' ').map((p) => p.split(',').map(Number))) out.push(['x', x], ['y', y]);
    }
  }
  for (const r of cells(svg)) out.push(['x', r.x], ['x', r.x + r.width], ['y', r.y], ['y', r.y + r.height]);
  return out;
}

/** The linear maps between pixels and data along one axis, read from its first and last tick labels. */
export function axisMap(svg: string, axis: 'x' | 'y'): { toData: (pixel: number) => number; toPixel: (value: number) => number } {
  const ticks = group(svg, `${axis}-ticks`);
  const positions = elements(ticks, 'text').map((t) => Number(t[axis]));
  const values = [...ticks.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => Number(m[1]));
  const [p0, p1, v0, v1] = [positions[0], positions.at(-1)!, values[0], values.at(-1)!];
  return { toData: (pixel) => v0 + ((pixel - p0) / (p1 - p0)) * (v1 - v0), toPixel: (value) => p0 + ((value - v0) / (v1 - v0)) * (p1 - p0) };
}

export interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

/** The decision boundary's coloured rectangles (paths of `M x y h w v h h -w z` runs, one path per fill). */
export function cells(svg: string): Cell[] {
  if (!svg.includes('<g class="cells">')) return [];
  return elements(group(svg, 'cells'), 'path').flatMap((p) =>
    [...p.d.matchAll(/M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-([\d.]+)z/g)].map((m) => {
      const [x, y, width, height, back] = m.slice(1).map(Number);
      if (back !== width) throw new Error(`path run ${m[0]} does not close`);
      return { x, y, width, height, fill: p.fill };
    }),
  );
}

/** The fill of the cell under a pixel. */
export function fillAt(svg: string, x: number, y: number): string {
  const hit = cells(svg).filter((c) => x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height);
  if (hit.length !== 1) throw new Error(`${hit.length} cells under (${x}, ${y})`);
  return hit[0].fill;
}
