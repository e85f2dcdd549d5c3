// Test helper: makes sure dist/web holds a bundle built from the current src/web.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? await newestSourceMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** Runs `scripts/build-web.mjs` when `dist/web` is missing or older than a file of `src/web`. */
export async function ensureInboxBuilt(): Promise<void> {
  const built = await stat(join(packageDir, 'dist', 'web', 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const bundle = await stat(join(packageDir, 'dist', 'web', 'inbox.js')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > 0 && bundle > 0 && Math.min(built, bundle) >= (await newestSourceMtime(join(packageDir, 'src', 'web')))) {
    return;
  }
  await promisify(execFile)(process.execPath, ['scripts/build-web.mjs'], { cwd: packageDir });
}
