import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

// Runs in a child process on the built queue: a worker that starves its event loop stops every timer of the process
// it runs in, including this test's own timeout, so only a separate process can be watched and killed.
const SCRIPT = `
import { openStore } from ${JSON.stringify(`${DIST}store/open-store.js`)};
import { migrate } from ${JSON.stringify(`${DIST}store/migrate.js`)};
import { createWorker, enqueue } from ${JSON.stringify(`${DIST}queue/index.js`)};
const store = openStore({ databaseUrl: process.env.DB_URL });
await migrate(store);
let running;
const started = new Promise((resolve) => { running = resolve; });
const done = [];
const worker = createWorker({
  store,
  concurrency: 1,
  pollIntervalMs: 1000,
  handlers: {
    slow: async (job) => {
      running();
      await new Promise((resolve) => setTimeout(resolve, 50));
      done.push(job.payload.n);
    },
  },
});
await store.transaction((trx) => enqueue(trx, { kind: 'slow', lane: 'a', payload: { n: 1 } }));
worker.start();
await started;
// The only slot is busy: this commit wakes a worker that has nothing it may claim.
await store.transaction((trx) => enqueue(trx, { kind: 'slow', lane: 'b', payload: { n: 2 } }));
while (done.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
await worker.stop();
await store.close();
console.log(JSON.stringify(done));
`;

describe('a worker with every slot busy', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(join(DIST, 'queue/index.js'))) execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'amojo-bridge-saturated-'));
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its event loop turning when a job is enqueued, so the running job finishes and the next one runs', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DB_URL: `sqlite:${join(dir, 'queue.sqlite')}` },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exit;
    clearTimeout(timer);
    expect(output.trim(), 'the worker loop spun on a pending wake and starved the process').toBe('[1,2]');
    expect(code).toBe(0);
  }, 30_000);
});
