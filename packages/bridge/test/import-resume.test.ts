import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness, waitFor } from './support/relay-harness.js';

// Issue 13: an import killed with SIGKILL half-way and run again sends every message exactly once (checked by msgid
// in the sandbox), keeps each chat's order and silent flags, and a third run sends nothing. The import runs as a
// child process (the real CLI) while the bridge and the sandbox run here.

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../scripts/generate-import-jsonl.mjs', import.meta.url));
const MESSAGES = 1200;
const CHATS = 24;

function runImport(
  h: RelayHarness,
  file: string,
): { child: ReturnType<typeof spawn>; output: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, [CLI, 'import', file, '--instance', h.instanceKey, '--concurrency', '4'], {
    env: { ...h.env, LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  const output = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out })),
  );
  return { child, output };
}

const num = (out: string, label: RegExp) => Number(label.exec(out)?.[1] ?? Number.NaN);

describe.each(ENGINES)('import resumed after SIGKILL on %s', (engine) => {
  let h: RelayHarness;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, bot: true });
    dir = mkdtempSync(join(tmpdir(), 'amojo-import-'));
    file = join(dir, 'export.jsonl');
    execFileSync(process.execPath, [
      GENERATOR,
      '--out',
      file,
      '--messages',
      String(MESSAGES),
      '--chats',
      String(CHATS),
      '--manager',
      RELAY_TEST_IDS.MANAGER_ID,
    ]);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends each message exactly once across a SIGKILL and a resume', { timeout: 240_000 }, async () => {
    const countInSandbox = async () => {
      let n = 0;
      for (const chat of await h.sandboxChats()) n += (await h.sandboxMessages(chat.id)).length;
      return n;
    };
    const first = runImport(h, file);
    await waitFor('half of the import in the sandbox', async () => (await countInSandbox()) >= MESSAGES / 2, 120_000);
    first.child.kill('SIGKILL');
    const killed = await first.output;
    expect(killed.code).toBeNull();
    const atKill = await countInSandbox();
    expect(atKill).toBeLessThan(MESSAGES);

    const second = await runImport(h, file).output;
    expect(second.out).not.toMatch(/import stopped/);
    expect(second.code).toBe(0);
    const sent = num(second.out, /^ {2}sent: (\d+)$/m);
    const duplicates = num(second.out, /already in amojo \(sent before a crash, not posted twice\): (\d+)/);
    const already = num(second.out, /already imported by an earlier run: (\d+)/);
    expect(sent + duplicates + already).toBe(MESSAGES);

    // The sandbox has every msgid exactly once, in each chat's order, silent on all but the newest.
    const chats = (await h.sandboxChats()).filter((c) => c.conversationId?.startsWith('ab-c-'));
    expect(chats).toHaveLength(CHATS);
    const ids: string[] = [];
    for (const chat of chats) {
      const messages = await h.sandboxMessages(chat.id);
      expect(messages).toHaveLength(MESSAGES / CHATS);
      const ordinals = messages.map((m) => Number(/#(\d+)$/.exec(m.text)?.[1]));
      expect(ordinals).toEqual(ordinals.map((_, i) => i));
      expect(messages.map((m) => m.silent)).toEqual(messages.map((_, i) => i !== messages.length - 1));
      expect(chat.leadId === null).toBe(messages[messages.length - 1]?.direction !== 'in');
      ids.push(...messages.map((m) => m.clientId ?? ''));
    }
    expect(new Set(ids).size).toBe(MESSAGES);

    const third = await runImport(h, file).output;
    expect(third.code).toBe(0);
    expect(num(third.out, /^ {2}sent: (\d+)$/m)).toBe(0);
    expect(await countInSandbox()).toBe(MESSAGES);
  });
});
