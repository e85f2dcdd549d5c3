import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayHarness, type RelayHarness } from './support/relay-harness.js';

// Issue 13: the `amojo-bridge` binary runs an import in a worker thread with a capped heap (`--max-heap-mb`), so its
// RSS no longer follows the send rate. An input that needs more than the cap stops the import with a message naming
// the option, exit 1, instead of growing the process; a bad value is refused before anything runs.

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function runCliProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    out += String(chunk);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('import heap cap', () => {
  let h: RelayHarness;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await createRelayHarness({ engine: 'sqlite', bot: true });
    dir = mkdtempSync(join(tmpdir(), 'amojo-import-heap-'));
    env = { ...h.env, LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' };
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops with a message naming --max-heap-mb when the input needs more than the cap', async () => {
    // One JSON line holding a 48 MiB text: reading it needs more than a 32 MB heap.
    const file = join(dir, 'huge-line.jsonl');
    const line = {
      chat: 'heap-1',
      customer: { id: 'heap-customer', name: 'Heap' },
      direction: 'in',
      timestamp: '2026-01-01T00:00:00Z',
      message: { type: 'text', text: 'x'.repeat(48 * 1024 * 1024) },
    };
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    const capped = await runCliProcess(env, ['import', file, '--instance', h.instanceKey, '--max-heap-mb', '32']);
    expect(capped.out).toMatch(/import stopped: it needed more memory than --max-heap-mb 32 allows/);
    expect(capped.code).toBe(1);
  }, 120_000);

  it('imports a small file under the default cap and refuses a bad --max-heap-mb', async () => {
    const file = join(dir, 'small.jsonl');
    const line = (n: number) =>
      JSON.stringify({
        chat: 'heap-2',
        customer: { id: 'heap-customer-2', name: 'Small' },
        direction: 'in',
        timestamp: `2026-01-01T00:00:0${n}Z`,
        message: { type: 'text', text: `message ${n}` },
      });
    writeFileSync(file, `${line(1)}\n${line(2)}\n`);
    const ok = await runCliProcess(env, ['import', file, '--instance', h.instanceKey]);
    expect(ok.out).toMatch(/^ {2}sent: 2$/m);
    expect(ok.code).toBe(0);

    const bad = await runCliProcess(env, ['import', file, '--instance', h.instanceKey, '--max-heap-mb', 'lots']);
    expect(bad.out).toContain('--max-heap-mb: expected an integer from 32 to 16384');
    expect(bad.code).toBe(2);
  }, 120_000);
});
