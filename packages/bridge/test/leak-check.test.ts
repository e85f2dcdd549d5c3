// The leak checker of the global setup (support/leak-check-setup.ts) catches each kind it promises to, names it, and
// releases it. Each test leaks on purpose and then calls the checker itself, which stops what leaked, so the global
// afterEach finds nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker as WorkerThread } from 'node:worker_threads';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/queue/index.js';
import { migrate } from '../src/store/migrate.js';
import { openStore } from '../src/store/open-store.js';
import { assertNoLeaks, findLeaks, runningResources, shareResourcesAcrossTests } from './support/leak-check.js';

const dir = mkdtempSync(join(tmpdir(), 'amojo-bridge-leak-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the leak checker', () => {
  it('reports a node:http server left listening, with its address and where it was started, and closes it', async () => {
    const baseline = runningResources();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    const leaks = findLeaks(baseline);
    expect(leaks.map((leak) => leak.kind)).toEqual(['http server']);
    expect(leaks[0]?.description).toContain(`server listening on 127.0.0.1:${port}`);
    expect(leaks[0]?.description).toContain('leak-check.test.ts');
    await expect(assertNoLeaks(baseline, 'This test')).rejects.toThrow(
      new RegExp(
        `This test left 1 resource\\(s\\) running.*\\n  - http server: server listening on 127.0.0.1:${port}`,
        's',
      ),
    );
    expect(server.listening).toBe(false);
    expect(findLeaks(baseline)).toEqual([]);
  });

  it('reports a child process left running, with its pid, and kills it; one killed but not yet exited is waited for', async () => {
    const baseline = runningResources();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const leaks = findLeaks(baseline);
    expect(leaks.map((leak) => leak.kind)).toEqual(['child process']);
    expect(leaks[0]?.description).toContain(`child process ${child.pid}`);
    await expect(assertNoLeaks(baseline, 'This test')).rejects.toThrow(
      new RegExp(`left 1 resource\\(s\\) running.*\\n  - child process: child process ${child.pid}`, 's'),
    );
    expect(child.signalCode).toBe('SIGKILL');

    // A test that kills its child and does not wait for the exit leaves nothing behind once the child is gone.
    const killed = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((resolve) => killed.once('spawn', resolve));
    killed.kill('SIGTERM');
    await assertNoLeaks(baseline, 'This test');
    expect(killed.signalCode).toBe('SIGTERM');
  });

  it('reports a Fastify server too, and nothing once it is closed by the test', async () => {
    const baseline = runningResources();
    const app = Fastify();
    await app.listen({ port: 0, host: '127.0.0.1' });
    expect(findLeaks(baseline).map((leak) => leak.kind)).toEqual(['http server']);
    await app.close();
    expect(findLeaks(baseline)).toEqual([]);
  });

  it('reports a bridge store left open and a queue worker left running, worker first, and stops both', async () => {
    const baseline = runningResources();
    const store = openStore({ databaseUrl: `sqlite:${join(dir, 'leaked.sqlite')}` });
    await migrate(store);
    const worker = createWorker({ store, handlers: {}, pollIntervalMs: 20 });
    worker.start();

    const leaks = findLeaks(baseline);
    expect(leaks.map((leak) => leak.kind)).toEqual(['queue worker', 'bridge store']);
    expect(leaks[0]?.description).toContain(`queue worker ${worker.workerId}`);
    expect(leaks[1]?.description).toContain(`sqlite store on ${join(dir, 'leaked.sqlite')}`);
    await expect(assertNoLeaks(baseline, 'This test')).rejects.toThrow(/left 2 resource\(s\) running/);
    expect(worker.running).toBe(false);
    expect(findLeaks(baseline)).toEqual([]);
  });

  it('reports a worker thread left running and terminates it', async () => {
    const baseline = runningResources();
    const thread = new WorkerThread('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => thread.once('online', resolve));

    expect(findLeaks(baseline).map((leak) => leak.description)).toEqual([
      expect.stringContaining(`worker thread ${thread.threadId}`),
    ]);
    await expect(assertNoLeaks(baseline, 'This test')).rejects.toThrow(/worker thread/);
    expect(thread.threadId).toBe(-1);
  });

  it('does not report what was already running at the baseline (a world shared by a file)', async () => {
    const shared = createServer();
    await new Promise<void>((resolve) => shared.listen(0, '127.0.0.1', resolve));
    try {
      const baseline = runningResources();
      expect(findLeaks(baseline)).toEqual([]);
      await assertNoLeaks(baseline, 'This test');
    } finally {
      await new Promise((resolve) => shared.close(resolve));
    }
  });
});

describe('tests that share what they start', () => {
  // Without this, the first test would fail the global check: it leaves its server to the second one.
  shareResourcesAcrossTests();
  let server: Server;
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('may leave a server running for the next test', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('which finds it still listening', () => {
    expect(server.listening).toBe(true);
  });
});
