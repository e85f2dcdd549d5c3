// SQLite only by nature: one process owns an SQLite file, while PostgreSQL is shared by any number of bridges (the
// queue claims with SKIP LOCKED), so there is no PostgreSQL twin of these tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/log.js';
import { migrate } from '../src/store/migrate.js';
import { openStore } from '../src/store/open-store.js';
import { readOwnerLock } from '../src/store/sqlite/owner-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'amojo-bridge-owner-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const open = (file: string, owner?: string) =>
  openStore({ databaseUrl: `sqlite:${file}`, log: createSilentLogger(), owner });

describe('one owner per SQLite file', () => {
  it('refuses a second owner naming the pid that holds the file, and frees it on close', async () => {
    const file = join(tempDir(), 'bridge.sqlite');
    const first = open(file, 'amojo-bridge start');
    await migrate(first);
    expect(readOwnerLock(file)).toMatchObject({ pid: process.pid, command: 'amojo-bridge start' });
    expect(() => open(file, 'amojo-bridge start')).toThrow(
      new RegExp(`${file} is in use by process ${process.pid} \\(amojo-bridge start`),
    );
    // A one-shot command (no owner) still opens it, waiting for the write lock as before.
    const oneShot = open(file);
    await oneShot.close();
    await first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    const second = open(file, 'amojo-bridge start');
    await second.close();
  });

  it('takes over the lock of a process that died', async () => {
    const file = join(tempDir(), 'bridge.sqlite');
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid ?? -1)));
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: deadPid, hostname: (await import('node:os')).hostname(), command: 'x', startedAt: 'y' }),
    );
    const store = open(file, 'amojo-bridge start');
    expect(readOwnerLock(file)?.pid).toBe(process.pid);
    await store.close();
  });
});

describe('a file that is not the bridge database', () => {
  it('refuses a zero-length file, naming it, and leaves it as it was', () => {
    const file = join(tempDir(), 'bridge.sqlite');
    writeFileSync(file, '');
    expect(() => open(file, 'amojo-bridge start')).toThrow(`${file} is empty (0 bytes)`);
    expect(readFileSync(file).length).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = join(tempDir(), 'bridge.sqlite');
    writeFileSync(file, '{"not": "a database"}\n');
    expect(() => open(file)).toThrow(`${file} is not an SQLite database`);
  });

  it("refuses another program's SQLite database, naming its tables", () => {
    const file = join(tempDir(), 'other.sqlite');
    const other = new SqliteDatabase(file);
    other.exec('create table invoices (id integer primary key); insert into invoices default values;');
    other.close();
    expect(() => open(file, 'amojo-bridge start')).toThrow(/is an SQLite database of something else \(tables invoices/);
    const check = new SqliteDatabase(file, { readonly: true });
    expect(check.prepare('select count(*) as n from invoices').get()).toEqual({ n: 1 });
    check.close();
  });

  it('refuses a damaged database, naming the file and what to do', async () => {
    const file = join(tempDir(), 'bridge.sqlite');
    const store = open(file);
    await migrate(store);
    await store.close();
    const bytes = readFileSync(file);
    // Keep the header, overwrite the schema page: SQLite then reports the file as malformed.
    bytes.fill(0xab, 100, bytes.length);
    writeFileSync(file, bytes);
    expect(() => open(file)).toThrow(/is damaged .*restore it from a backup/);
  });
});

describe('the CLI and the demo on a data folder someone owns', () => {
  const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

  function run(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exit, output: () => output };
  }
  async function until(check: () => boolean, what: string) {
    for (let i = 0; i < 1200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!check()) throw new Error(`timed out waiting for ${what}`);
  }

  it('a second npm start on the same data folder exits 2 naming the first pid; the first one keeps its data', async () => {
    const dataDir = tempDir();
    const env = { DEMO_DATA_DIR: dataDir, PORT: '0', SANDBOX_PORT: '0', LOG_LEVEL: 'silent' };
    const first = run(['scripts/start.mjs'], env);
    try {
      await until(() => first.output().includes('Press Ctrl-C to stop.'), 'the first demo');
      // The sandbox's saved state without its save time (the first demo may save the same state again meanwhile).
      const saved = () => {
        const { savedAt: _savedAt, ...rest } = JSON.parse(readFileSync(join(dataDir, 'sandbox-state.json'), 'utf8'));
        return rest;
      };
      await until(() => existsSync(join(dataDir, 'sandbox-state.json')), 'the first save of the sandbox state');
      const stateBefore = saved();
      const lockBefore = readFileSync(join(dataDir, 'sandbox-state.json.lock'), 'utf8');
      const second = run(['scripts/start.mjs'], env);
      expect(await second.exit).toBe(2);
      expect(second.output()).toContain(`is in use by process ${first.child.pid}`);
      expect(readFileSync(join(dataDir, 'sandbox-state.json.lock'), 'utf8')).toBe(lockBefore);
      expect(saved()).toEqual(stateBefore);
      expect(readOwnerLock(join(dataDir, 'amojo-bridge.sqlite'))?.pid).toBe(first.child.pid);
      // And the bridge alone (amojo-bridge start) on the demo's database is refused the same way.
      const bridge = run(['packages/bridge/dist/cli.js', 'start'], {
        AMOJO_CHANNEL_ID: '7d3f2b9e-5c1a-4e8d-b6f0-2a9c4d7e1b35',
        AMOJO_CHANNEL_SECRET: 'x'.repeat(40),
        DATABASE_URL: `sqlite:${join(dataDir, 'amojo-bridge.sqlite')}`,
        PORT: '0',
        LOG_LEVEL: 'silent',
      });
      expect(await bridge.exit).toBe(2);
      expect(bridge.output()).toContain(`amojo-bridge.sqlite is in use by process ${first.child.pid}`);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);
    }
    expect(existsSync(join(dataDir, 'sandbox-state.json.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'amojo-bridge.sqlite.lock'))).toBe(false);
  }, 120_000);
});
