// Bundles the admin dashboard (src/admin/web, Preact) into dist/admin: admin.js, admin.css and index.html, served
// at /admin. Run by `npm run build`; the browser test calls `buildAdmin()` itself when the bundle is missing or stale.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Where the dashboard's sources live. */
export const adminSourceDir = `${packageDir}src/admin/web`;
/** Where the built dashboard goes; `src/admin/dashboard-routes.ts` serves it from here. */
export const adminOutDir = `${packageDir}dist/admin`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>amojo-bridge admin</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/admin/assets/admin.css" />
    <script defer src="/admin/assets/admin.js"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The admin dashboard needs JavaScript.</noscript>
  </body>
</html>
`;

/** Builds the dashboard and returns the gzipped sizes of its files in bytes. */
export async function buildAdmin({ outDir = adminOutDir, minify = true } = {}) {
  await mkdir(outDir, { recursive: true });
  // Built beside the target and renamed into place: a running bridge never serves a half-written bundle.
  const tempDir = await mkdtemp(`${outDir}.tmp-`);
  try {
    await build({
      entryPoints: { admin: `${adminSourceDir}/main.tsx` },
      outdir: tempDir,
      bundle: true,
      minify,
      format: 'iife',
      target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      tsconfig: `${adminSourceDir}/tsconfig.json`,
      legalComments: 'none',
      logLevel: 'warning',
    });
    await writeFile(`${tempDir}/index.html`, INDEX_HTML);
    for (const name of await readdir(tempDir)) await rename(`${tempDir}/${name}`, `${outDir}/${name}`);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  const sizes = {};
  for (const name of ['admin.js', 'admin.css', 'index.html']) {
    sizes[name] = gzipSync(await readFile(`${outDir}/${name}`)).length;
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildAdmin();
  const parts = Object.entries(sizes).map(([name, size]) => `${name} ${(size / 1024).toFixed(1)} KB`);
  console.log(`admin dashboard built into dist/admin (gzipped: ${parts.join(', ')})`);
}
