import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness, waitFor } from './support/relay-harness.js';

// Issue 13: the `amojo-bridge` binary runs an import in a worker thread with a capped heap (`--max-heap-mb`), so its
// RSS no longer follows the send rate. An input that needs more than the cap stops the import with a message naming
// the option, exit 1, instead of growing the process; a bad value is refused before anything runs; Ctrl-C reaches the
// thread, which saves its marks and stops, and the same command continues.

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../scripts/generate-import-jsonl.mjs', import.meta.url));

function runCliProcess(
  env: NodeJS.ProcessEnv,
  args: string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  onStart?.(child);
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    out += String(chunk);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** A JSON Lines export of `messages` over 10 chats (`scripts/generate-import-jsonl.mjs`), written into `dir`. */
function generateExportIn(dir: string, name: string, messages: number, chatPrefix: string): string {
  const file = join(dir, name);
  execFileSync(process.execPath, [
    GENERATOR,
    ...['--out', file, '--messages', String(messages), '--chats', '10'],
    ...['--manager', RELAY_TEST_IDS.MANAGER_ID, '--chat-prefix', chatPrefix],
  ]);
  return file;
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
  const generateExport = (name: string, messages: number, chatPrefix: string) =>
    generateExportIn(dir, name, messages, chatPrefix);

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

  it('stops on SIGINT with its marks saved, and the same command continues exactly once', async () => {
    const messages = 10_000;
    const file = generateExport('interrupted.jsonl', messages, 'chat-');
    const importedChats = async () => (await h.sandboxChats()).filter((c) => c.conversationId?.startsWith('ab-c-'));
    const countInSandbox = async () => {
      let n = 0;
      for (const chat of await importedChats()) n += (await h.sandboxMessages(chat.id)).length;
      return n;
    };
    // Chats of the earlier tests of this file are in the sandbox too.
    const earlier = await countInSandbox();
    const args = ['import', file, '--instance', h.instanceKey, '--concurrency', '2'];
    const interrupted = await runCliProcess(env, args, (child) => {
      void waitFor('the first messages in the sandbox', async () => (await countInSandbox()) >= 100, 120_000).then(() =>
        child.kill('SIGINT'),
      );
    });
    expect(interrupted.out).toMatch(/import stopped: interrupted: run the same import again to continue/);
    expect(interrupted.code).toBe(1);
    expect(await countInSandbox()).toBeLessThan(earlier + messages);

    const resumed = await runCliProcess(env, args);
    expect(resumed.code).toBe(0);
    const ids: string[] = [];
    for (const chat of await importedChats())
      ids.push(...(await h.sandboxMessages(chat.id)).map((m) => m.clientId ?? ''));
    expect(ids).toHaveLength(earlier + messages);
    expect(new Set(ids).size).toBe(earlier + messages);
  }, 240_000);

  it('run inline (embedded), a stop request ends the sending too, not only the reading', async () => {
    const messages = 10_000;
    const file = generateExport('inline-stop.jsonl', messages, 'inline-');
    const count = async () => {
      let n = 0;
      for (const chat of await h.sandboxChats())
        if (chat.conversationId?.startsWith('ab-c-')) n += (await h.sandboxMessages(chat.id)).length;
      return n;
    };
    const before = await count();
    let stop: ((signal: string) => void) | undefined;
    let err = '';
    const running = runCli(['import', file, '--instance', h.instanceKey, '--concurrency', '2'], {
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      env: { ...env },
      onShutdownSignal(handler) {
        stop = handler;
        return () => {
          stop = undefined;
        };
      },
    });
    await waitFor('the first messages in the sandbox', async () => (await count()) - before >= 100, 120_000);
    stop?.('SIGINT');
    expect(await running).toBe(1);
    expect(err).toMatch(/interrupted: run the same import again to continue/);
    // Nothing is sent after the command returned (before: the 2,000 messages read ahead went on in the background).
    const atReturn = await count();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await count()).toBe(atReturn);
  }, 240_000);
});
