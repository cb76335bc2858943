// Extracts the ```js examples from the JSDoc comments of the installed @tensorflow/tfjs-core (a dev dependency),
// at run time: TF.js's examples are read from node_modules, never copied into this repository.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

export interface Example {
  /** `<file>#<symbol>` plus `:n` when a comment has several blocks, e.g. `ops/add.js#add_:2`. */
  id: string;
  /** The criterion's category: ops, gradients, globals, io, util or optimizers (see CATEGORY_OF_HEADING). */
  category: string;
  /** From the comment's `@doc {heading, subheading}`, e.g. 'Operations' / 'Arithmetic'. */
  heading: string;
  subheading: string;
  code: string;
  /** Why it is excluded before it is run: out of the criterion's scope, or not in TF.js's API reference. */
  skip?: string;
}

const require = createRequire(import.meta.url);
const CORE_DIST = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist');

/**
 * The files read, as paths under dist/: the criterion's parts of tfjs-core (ops, gradients, globals, io, util,
 * optimizers), each source file compiled once. The bundles beside them (tf-core.js, *.min.js, *.esm.js,
 * *.node.js, tf-core.fesm.js) repeat the same comments and are not read.
 */
const SOURCES = /^(ops\/.*|gradients|globals|io\/.*|util|util_base|optimizers\/.*)\.js$/;

/**
 * The criterion's category of each `@doc` heading (or heading/subheading) found in those files. All of them
 * count; a heading not listed throws, so a change in TF.js's docs is seen rather than counted or dropped.
 */
const CATEGORY_OF_HEADING: Record<string, string> = {
  Tensors: 'ops', // creation, transformations, slicing and joining, random, matrices (einsum)
  Operations: 'ops', // every op; the out-of-scope subheadings are below
  Browser: 'ops', // tf.browser.fromPixels (ops/browser.js): needs a DOM, so it fails on TF.js in Node
  'Training/Gradients': 'gradients',
  'Training/Optimizers': 'optimizers',
  Performance: 'globals', // tidy, keep, memory, time, profile
  Models: 'io', // tf.io handlers and model management
  Util: 'util',
};

/** Subheadings the criterion puts out of scope: FFT, sparse ops, strings. */
const OUT_OF_SCOPE_SUBHEADINGS: Record<string, string> = {
  Spectral: 'out of scope: FFT',
  Sparse: 'out of scope: sparse ops',
  String: 'out of scope: strings',
};

/** complex64 is out of scope wherever it appears (tf.complex, tf.real, tf.imag, stft...). */
const COMPLEX = /\btf\.(complex|real|imag)\(|complex64|\bstft\(/;

/** All examples in those files, deduplicated by code, in file order. */
export function extractExamples(): Example[] {
  const examples: Example[] = [];
  const seen = new Set<string>();
  for (const file of listJsFiles(CORE_DIST)) {
    const path = relative(CORE_DIST, file).split('\\').join('/');
    if (!SOURCES.test(path) || path.endsWith('_test.js')) continue;
    for (const example of examplesInFile(readFileSync(file, 'utf8'), path)) {
      if (seen.has(example.code)) continue;
      seen.add(example.code);
      examples.push(example);
    }
  }
  return examples;
}

function listJsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) return listJsFiles(full);
      return entry.name.endsWith('.js') ? [full] : [];
    });
}

function examplesInFile(source: string, path: string): Example[] {
  const examples: Example[] = [];
  // A JSDoc comment, maybe a separate `/** @doc {...} */` after it (ops/mirror_pad.js), then the name of what
  // it documents (function, class, method, getter or const).
  const commentPattern = /\/\*\*([\s\S]*?)\*\/\s*(?:\/\/[^\n]*\s*)*(?:\/\*\*\s*(@doc\s*\{[^}]*\})\s*\*\/\s*)?(?:export\s+)?(?:async\s+)?(?:static\s+)?(?:function\*?\s*|class\s+|const\s+|get\s+)?(\w*)/g;
  for (const [, raw, docComment, symbol] of source.matchAll(commentPattern)) {
    // Drop each line's leading ` * `, keeping the code's own indentation.
    const text = raw.split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n');
    const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1].trim());
    if (blocks.length === 0) continue;
    const doc = parseDocTag(docComment ?? text);
    // Without @doc (tf.io.fromMemory's overloads, fused ops...) an example is not in the API reference: it is
    // listed under its file's part of tfjs-core, and skipped.
    const category = doc.heading === '' ? path.split('/')[0] : CATEGORY_OF_HEADING[`${doc.heading}/${doc.subheading}`] ?? CATEGORY_OF_HEADING[doc.heading];
    if (category === undefined) throw new Error(`tfjs-docs: @doc heading '${doc.heading}' of ${path}#${symbol} has no category`);
    blocks.forEach((code, i) => {
      const id = `${path}#${symbol}${blocks.length > 1 ? `:${i + 1}` : ''}`;
      const skip = doc.heading === '' ? 'no @doc annotation: not in the API reference'
        : OUT_OF_SCOPE_SUBHEADINGS[doc.subheading] ?? (COMPLEX.test(code) ? 'out of scope: complex64' : undefined);
      examples.push({ id, category, heading: doc.heading, subheading: doc.subheading, code, ...(skip ? { skip } : {}) });
    });
  }
  return examples;
}

/** Reads `@doc {heading: 'X', subheading: 'Y', ...}`, which may span lines; '' for what is missing. */
function parseDocTag(text: string): { heading: string; subheading: string } {
  const tag = /@doc\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
  const field = (name: string) => new RegExp(`${name}\\s*:\\s*'([^']*)'`).exec(tag)?.[1] ?? '';
  return { heading: field('heading'), subheading: field('subheading') };
}
