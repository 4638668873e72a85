// Precompresses the built dashboard: a `.br` (brotli, quality 11) and a `.gz` (gzip, level 9) next to each text asset,
// so `npm start`'s server sends them as they are (backend/src/http/precompressed.ts) instead of compressing on every
// request or not at all. Run after `ng build` (the frontend's `build` script); Node's own zlib, no dependency.
//
// Usage: node scripts/precompress.mjs [dir]   (default: dist/browser next to this script's package)
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** What compresses (text); images other than SVG, fonts (woff2) and the like are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.xml', '.map']);
/** As nginx.conf's gzip_min_length: below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

const dir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'browser'));

const files = (path) =>
  readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(path, entry.name)) : [join(path, entry.name)],
  );

let original = 0;
let br = 0;
let gz = 0;
let count = 0;
for (const file of files(dir)) {
  // Copies left by an earlier run: made again below, or gone with their source.
  if (file.endsWith('.br') || file.endsWith('.gz')) {
    if (!statSync(file.slice(0, -3), { throwIfNoEntry: false })) rmSync(file);
    continue;
  }
  if (!COMPRESSIBLE.has(extname(file).toLowerCase())) continue;
  const body = readFileSync(file);
  const variants = [
    [
      '.br',
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    ],
    ['.gz', gzipSync(body, { level: constants.Z_BEST_COMPRESSION })],
  ];
  for (const [extension, compressed] of variants) {
    // Only a copy that is worth it; the server falls back to the file itself.
    if (body.length >= MIN_BYTES && compressed.length < body.length) writeFileSync(file + extension, compressed);
    else rmSync(file + extension, { force: true });
  }
  if (body.length >= MIN_BYTES) {
    count++;
    original += body.length;
    br += variants[0][1].length;
    gz += variants[1][1].length;
  }
}
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
process.stdout.write(`Precompressed ${count} files in ${dir}: ${kb(original)} → ${kb(gz)} gzip, ${kb(br)} brotli\n`);
