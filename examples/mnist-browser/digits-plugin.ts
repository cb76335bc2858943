// A Vite plugin that turns the `mnist` package's JSON into the page's compact digits.bin: served from
// memory by the dev server and emitted as an asset by `vite build`. Nothing generated is written to the repo.

import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { loadMnist } from '../data.js';
import { DIGITS_FILE, encodeDigits } from './digits-format.js';

export function mnistDigits(): Plugin {
  let bytes: Uint8Array | null = null;
  let gzipped: Uint8Array | null = null;
  // Built on first request: parsing ~20 MB of JSON takes a second, which `vite` start-up should not pay.
  const digits = (): Uint8Array => {
    if (!bytes) {
      const { train, test } = loadMnist();
      bytes = encodeDigits(train, test);
    }
    return bytes;
  };
  return {
    name: 'mnist-digits',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (new URL(req.url ?? '/', 'http://x').pathname !== `/${DIGITS_FILE}`) return next();
        // Gzip shrinks the 7.8 MB to about 1.7 MB; `vite build` leaves that to the host's server.
        const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
        const body = gzip ? (gzipped ??= gzipSync(digits())) : digits();
        res.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Length': body.length,
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
          Vary: 'Accept-Encoding',
          'Cache-Control': 'no-cache',
          'Cross-Origin-Resource-Policy': 'same-origin',
        });
        res.end(body);
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DIGITS_FILE, source: digits() });
    },
  };
}
