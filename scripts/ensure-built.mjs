// Makes sure every workspace's dist is there and not older than its sources, building once when one is not.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the demo runs, and the sources each is built from. `tsc` output is compared folder to folder (an incremental
 * build rewrites only what changed); each browser bundle against its own sources.
 */
export const BUILD_OUTPUTS = [
  { dist: 'packages/sdk/dist', entry: 'index.js', src: 'packages/sdk/src' },
  { dist: 'packages/sandbox/dist', entry: 'index.js', src: 'packages/sandbox/src', skip: 'web', distSkip: 'web' },
  { dist: 'packages/sandbox/dist/web', entry: 'inbox.js', src: 'packages/sandbox/src/web', bundle: true },
  { dist: 'packages/bridge/dist', entry: 'index.js', src: 'packages/bridge/src', skip: 'web', distSkip: 'webchat' },
  {
    dist: 'packages/bridge/dist/webchat',
    entry: 'webchat.js',
    src: 'packages/bridge/src/channels/webchat/web',
    bundle: true,
  },
];

// Newest modification time under a folder (0 when it does not exist). Test files are not built, and a folder named
// `skip` belongs to a bundle, so neither counts.
function newest(dir, skip) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== skip) latest = Math.max(latest, newest(path, skip));
    } else if (!/\.test\.tsx?$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Why `npm run build` is needed ("" when every output is current). */
export function staleReason(root) {
  for (const output of BUILD_OUTPUTS) {
    const entry = join(root, output.dist, output.entry);
    let built;
    try {
      built = statSync(entry).mtimeMs;
    } catch {
      return `${output.dist}/${output.entry} is missing`;
    }
    if (!output.bundle) built = Math.max(built, newest(join(root, output.dist), output.distSkip));
    if (newest(join(root, output.src), output.skip) > built) return `${output.src} is newer than ${output.dist}`;
  }
  return '';
}

/** Runs `npm run build` when a dist is missing or stale; returns false (after printing the output) when it fails. */
export function ensureBuilt(root, print) {
  const reason = staleReason(root);
  if (!reason) return true;
  print(`Building the packages first (${reason}): npm run build ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (result.status === 0) {
    print('Build done.');
    return true;
  }
  print(`npm run build failed (exit ${result.status ?? result.signal}):\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  return false;
}
