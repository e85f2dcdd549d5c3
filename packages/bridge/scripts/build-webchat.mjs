// Bundles the webchat widget (src/channels/webchat/web, Preact) into dist/webchat/webchat.js, served at /webchat.js.
// Run by `npm run build`; the browser tests call `buildWebchat()` themselves when the bundle is missing or stale.
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Where the widget's sources live. */
export const webchatSourceDir = `${packageDir}src/channels/webchat/web`;
/** Where the bundle goes; `webchat-assets.ts` serves it from here. */
export const webchatOutDir = `${packageDir}dist/webchat`;

/** Builds the widget and returns its size in bytes, raw and gzipped. */
export async function buildWebchat({ outDir = webchatOutDir, minify = true } = {}) {
  await mkdir(outDir, { recursive: true });
  // Written beside the target and renamed into place: a running bridge never serves a half-written file.
  const temp = `${outDir}/webchat.${process.pid}.${Date.now()}.tmp.js`;
  try {
    await build({
      entryPoints: [`${webchatSourceDir}/main.tsx`],
      outfile: temp,
      bundle: true,
      minify,
      format: 'iife',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      tsconfig: `${webchatSourceDir}/tsconfig.json`,
      legalComments: 'none',
      logLevel: 'warning',
    });
    await rename(temp, `${outDir}/webchat.js`);
  } finally {
    await rm(temp, { force: true });
  }
  const bytes = await readFile(`${outDir}/webchat.js`);
  return { bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = await buildWebchat();
  console.log(
    `webchat widget built into dist/webchat/webchat.js (${(size.bytes / 1024).toFixed(1)} KB, gzipped ${(size.gzipped / 1024).toFixed(1)} KB)`,
  );
}
