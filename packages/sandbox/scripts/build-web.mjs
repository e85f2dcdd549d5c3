// Bundles the manager inbox (src/web, Preact) into dist/web: inbox.js, inbox.css and index.html.
// Run by `npm run build`; the browser test calls `buildWeb()` itself when the bundle is missing or stale.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Where the page's sources live. */
export const webSourceDir = `${packageDir}src/web`;
/** Where the built page goes; `src/inbox-assets.ts` serves it from here. */
export const webOutDir = `${packageDir}dist/web`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Inbox · amoCRM sandbox</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/inbox-assets/inbox.css" />
    <script defer src="/inbox-assets/inbox.js"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The sandbox inbox needs JavaScript.</noscript>
  </body>
</html>
`;

/** Builds the inbox bundle and returns the gzipped sizes of its files in bytes. */
export async function buildWeb({ outDir = webOutDir, minify = true } = {}) {
  await mkdir(outDir, { recursive: true });
  // Build beside the target and rename each file into place: a server (or a parallel test) reading dist/web never
  // sees a half-written bundle.
  const tempDir = await mkdtemp(`${outDir}.tmp-`);
  try {
    await bundle(tempDir, minify);
    for (const name of await readdir(tempDir)) await rename(`${tempDir}/${name}`, `${outDir}/${name}`);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  const sizes = {};
  for (const name of ['inbox.js', 'inbox.css', 'index.html']) {
    sizes[name] = gzipSync(await readFile(`${outDir}/${name}`)).length;
  }
  return sizes;
}

async function bundle(outDir, minify) {
  await build({
    entryPoints: { inbox: `${webSourceDir}/main.tsx` },
    outdir: outDir,
    bundle: true,
    minify,
    sourcemap: 'linked',
    format: 'iife',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: `${webSourceDir}/tsconfig.json`,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await writeFile(`${outDir}/index.html`, INDEX_HTML);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildWeb();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const parts = Object.entries(sizes).map(([name, size]) => `${name} ${(size / 1024).toFixed(1)} KB`);
  console.log(`inbox built into dist/web (gzipped: ${parts.join(', ')}; total ${(total / 1024).toFixed(1)} KB)`);
}
