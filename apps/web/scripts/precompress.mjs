// After `vite build`: a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every text file of the
// build, so the server sends them as they are (@fastify/static's preCompressed) instead of compressing each
// request. Source maps are never served, so they are skipped.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = process.argv[2] ?? new URL('../dist/', import.meta.url).pathname;
const TEXT = /\.(html|js|mjs|css|json|svg|txt|webmanifest)$/;
let files = 0;
let before = 0;
let after = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== '.vite') walk(path);
      continue;
    }
    if (!TEXT.test(name)) continue;
    const data = readFileSync(path);
    if (data.length < 1024) continue;
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    writeFileSync(`${path}.br`, br);
    writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
    files++;
    before += data.length;
    after += br.length;
  }
}

walk(root);
console.log(
  `precompressed ${files} files: ${(before / 1e6).toFixed(2)} MB → ${(after / 1e6).toFixed(2)} MB with brotli`,
);
