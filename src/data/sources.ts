// Where tf.data.csv reads its text: a file:// path in Node (node:fs, reached only when one is read, so browser
// bundles never pull it in), anything else through fetch (http(s) URLs and Requests; relative URLs in pages).
// The whole text is read at once, as TF.js does.

import { describe } from '../validate.js';

type Proc = { getBuiltinModule?: (name: string) => unknown; versions?: { node?: string } };
const proc = (globalThis as { process?: Proc }).process;

/** True when running in Node (where a bare path is not a URL fetch can read). */
export const inNode = typeof proc?.versions?.node === 'string';

/** The text of source, decoded as UTF-8 (a byte order mark dropped). `op` names the call in errors. */
export async function readText(op: string, source: string | Request): Promise<string> {
  const bytes = typeof source === 'string' && source.startsWith('file://') ? await readFile(op, source) : await fetchBytes(op, source);
  return new TextDecoder('utf-8').decode(bytes);
}

async function readFile(op: string, url: string): Promise<Uint8Array> {
  if (!inNode) throw new Error(`${op}: file:// paths can be read in Node only; in a browser use an http(s) URL`);
  const name = 'node:fs/promises'; // a variable, so bundlers leave it alone
  const fs = (proc?.getBuiltinModule?.(name) ?? (await import(/* @vite-ignore */ name))) as typeof import('node:fs/promises');
  // As TF.js: the path is what follows file:// (file:///data/a.csv is /data/a.csv, file://a.csv is relative).
  const path = url.slice('file://'.length);
  try {
    return await fs.readFile(path);
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new Error(`${op}: cannot read ${describe(path)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : message}`);
  }
}

async function fetchBytes(op: string, source: string | Request): Promise<Uint8Array> {
  const url = typeof source === 'string' ? source : source.url;
  if (typeof globalThis.fetch !== 'function') throw new Error(`${op}: this platform has no fetch to read ${describe(url)} with`);
  let response: Response;
  try {
    response = await globalThis.fetch(source);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`${op}: cannot fetch ${describe(url)}: ${why}`);
  }
  if (!response.ok) throw new Error(`${op}: fetching ${describe(url)} failed: ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}
