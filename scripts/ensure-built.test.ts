import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { BUILD_OUTPUTS, staleReason } from './ensure-built.mjs';

const outputs = BUILD_OUTPUTS as readonly { dist: string; entry: string; src: string }[];
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function file(root: string, path: string, secondsAgo: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const at = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(full, at, at);
}

/** A tree where every source is 100 s old and every build output 50 s old. */
function builtTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ensure-built-'));
  roots.push(root);
  for (const output of outputs) {
    file(root, join(output.src, 'a.ts'), 100);
    file(root, join(output.dist, output.entry), 50);
  }
  return root;
}

describe('staleReason', () => {
  it('is empty when every output is newer than its sources', () => {
    expect(staleReason(builtTree())).toBe('');
  });

  it('names a missing output', () => {
    const root = builtTree();
    rmSync(join(root, 'packages/bridge/dist/webchat/webchat.js'));
    expect(staleReason(root)).toBe('packages/bridge/dist/webchat/webchat.js is missing');
  });

  it('names a source edited after the build, but not a test file', () => {
    const root = builtTree();
    file(root, 'packages/sandbox/src/state/x.test.ts', 0);
    expect(staleReason(root)).toBe('');
    file(root, 'packages/sandbox/src/state/x.ts', 0);
    expect(staleReason(root)).toBe('packages/sandbox/src is newer than packages/sandbox/dist');
  });

  it('checks a browser bundle against its own sources even when tsc output is newer', () => {
    const root = builtTree();
    file(root, 'packages/bridge/src/channels/webchat/web/app.tsx', 10);
    file(root, 'packages/bridge/dist/index.js', 0);
    expect(staleReason(root)).toBe(
      'packages/bridge/src/channels/webchat/web is newer than packages/bridge/dist/webchat',
    );
  });
});
