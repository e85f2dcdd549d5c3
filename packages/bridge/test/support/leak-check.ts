// Which long-lived resources are running, so the global setup (`leak-check-setup.ts`) can fail a test, or a file,
// that leaves one behind. Five kinds, each tracked where it starts, by object identity, and asked whether it is still
// running when checked (nothing kept once it is stopped and checked):
//
//   - http server   every node:net server (node:http, Fastify, ws) through Node's `net.server.listen` diagnostics
//                   channel; running while `server.listening`.
//   - worker thread every node:worker_threads Worker through Node's `worker_threads` channel; running until it
//                   exits (`threadId` becomes -1).
//   - bridge store  every SQLite/PostgreSQL store, reported by the setup file's wrapper of the two `open*Store`
//                   functions; running until its `close()` is called.
//   - queue worker  every queue worker, reported by the setup file's wrapper of `createWorker`; running while
//                   `worker.running`.
//   - child process every node:child_process child (a bridge binary, a CLI run, a browser) through Node's
//                   `child_process` channel; running until it has exited. A child that was signalled but has not
//                   exited yet is given a moment before it counts.
import type { ChildProcess } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import type { Server } from 'node:net';
import type { Worker as WorkerThread } from 'node:worker_threads';
import { afterAll, beforeAll } from 'vitest';
import type { Worker as QueueWorker } from '../../src/queue/worker.js';
import type { Store } from '../../src/store/store.js';

/** The kinds of resource a test must not leave running. */
export type ResourceKind = 'queue worker' | 'worker thread' | 'bridge store' | 'http server' | 'child process';

/** One tracked resource. */
interface Tracked {
  readonly kind: ResourceKind;
  /** Where it was started (formatted only when it leaked). */
  readonly startedAt: Error;
  running(): boolean;
  describe(): string;
  /** Stops it after it was reported, so one leak fails one test and not every later one. */
  release(): Promise<void>;
}

/** A resource found running that was not running at the baseline. */
export interface Leak {
  readonly kind: ResourceKind;
  /** What it is and where it was started. */
  readonly description: string;
  release(): Promise<void>;
}

// Kept on globalThis: with `isolate: false` the setup file runs again per file in the same process, and the
// channels must be subscribed once.
const REGISTRY = Symbol.for('amojo-bridge.test.leak-check');
type Registry = Map<object, Tracked> & { sharingDescribes: number };
const registry = sharedRegistry();

// Releasing must never hang the suite: a leaked queue worker stuck in a job is given up on after this.
const RELEASE_TIMEOUT_MS = 5_000;
// A child a test killed without waiting for its exit: how long it may take to exit before it counts as left running.
const CHILD_EXIT_GRACE_MS = 3_000;

function sharedRegistry(): Registry {
  const globals = globalThis as { [REGISTRY]?: Registry };
  let shared = globals[REGISTRY];
  if (!shared) {
    shared = subscribe(Object.assign(new Map<object, Tracked>(), { sharingDescribes: 0 }));
    globals[REGISTRY] = shared;
  }
  return shared;
}

function subscribe(tracked: Registry): Registry {
  dc.subscribe('tracing:net.server.listen:asyncStart', (message) => {
    const server = (message as { server: Server }).server;
    if (tracked.has(server)) return;
    tracked.set(server, {
      kind: 'http server',
      startedAt: startedHere('listen() called'),
      running: () => server.listening,
      describe: () => {
        const address = server.address();
        return `server listening on ${typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address)}`;
      },
      release: async () => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close();
      },
    });
  });
  dc.subscribe('worker_threads', (message) => {
    const worker = (message as { worker: WorkerThread }).worker;
    tracked.set(worker, {
      kind: 'worker thread',
      startedAt: startedHere('new Worker()'),
      running: () => worker.threadId !== -1,
      describe: () => `worker thread ${worker.threadId}`,
      release: async () => void (await worker.terminate()),
    });
  });
  dc.subscribe('child_process', (message) => {
    const child = (message as { process: ChildProcess }).process;
    tracked.set(child, {
      kind: 'child process',
      startedAt: startedHere('child process spawned'),
      // No pid: the spawn failed (ENOENT), so nothing runs.
      running: () => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
      describe: () => `child process ${child.pid} (${child.spawnfile})`,
      release: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
    });
  });
  return tracked;
}

/** Reports a store the code under test opened; it counts as running until its `close()` is called. */
export function trackStore(store: Store, what: string): Store {
  let open = true;
  const close = store.close.bind(store);
  (store as { close: Store['close'] }).close = () => {
    open = false;
    return close();
  };
  registry.set(store, {
    kind: 'bridge store',
    startedAt: startedHere('store opened'),
    running: () => open,
    describe: () => `${store.dialect} store ${what}`,
    release: () => store.close(),
  });
  return store;
}

/** Reports a queue worker the code under test created; it counts as running while `worker.running`. */
export function trackQueueWorker(worker: QueueWorker): QueueWorker {
  registry.set(worker, {
    kind: 'queue worker',
    startedAt: startedHere('createWorker() called'),
    running: () => worker.running,
    describe: () => `queue worker ${worker.workerId}`,
    release: () => worker.stop(),
  });
  return worker;
}

/**
 * Declares that the tests of the calling describe (or file) share what they start: one test starts a bridge the next
 * ones use, and the describe's afterAll stops it. Their tests are not checked one by one; what they leave running is
 * checked once the file ends, like what beforeAll starts. A resource a single test opens and no later test uses is
 * closed by that test (or an afterEach) instead.
 */
export function shareResourcesAcrossTests(): void {
  beforeAll(() => {
    registry.sharingDescribes++;
  });
  afterAll(() => {
    registry.sharingDescribes--;
  });
}

/** Called as a test file starts: no describe of an earlier file in this process is still sharing. */
export function startFileCheck(): ReadonlySet<object> {
  registry.sharingDescribes = 0;
  return runningResources();
}

/** Whether the running test belongs to a describe that called {@link shareResourcesAcrossTests}. */
export function testsShareResources(): boolean {
  return registry.sharingDescribes > 0;
}

/** The resources running now (forgetting those that stopped), to compare a later check against. */
export function runningResources(): ReadonlySet<object> {
  const running = new Set<object>();
  for (const [resource, tracked] of registry) {
    if (tracked.running()) running.add(resource);
    else registry.delete(resource);
  }
  return running;
}

/** The resources running now that were not running at `baseline`, in the order to release them. */
export function findLeaks(baseline: ReadonlySet<object>): Leak[] {
  const order: readonly ResourceKind[] = [
    'queue worker',
    'worker thread',
    'http server',
    'bridge store',
    'child process',
  ];
  const leaks: (Leak & { rank: number })[] = [];
  for (const resource of runningResources()) {
    if (baseline.has(resource)) continue;
    const tracked = registry.get(resource);
    if (!tracked) continue;
    leaks.push({
      kind: tracked.kind,
      description: `${tracked.describe()}, started${startedWhere(tracked.startedAt)}`,
      release: () => tracked.release(),
      rank: order.indexOf(tracked.kind),
    });
  }
  return leaks.sort((a, b) => a.rank - b.rank).map(({ rank: _, ...leak }) => leak);
}

/**
 * Throws, naming every leak, when something not running at `baseline` still runs; the leaks are released first
 * (each given up on after a few seconds), so the next test starts clean.
 */
export async function assertNoLeaks(baseline: ReadonlySet<object>, scope: string): Promise<void> {
  let leaks = findLeaks(baseline);
  for (const until = Date.now() + CHILD_EXIT_GRACE_MS; leaks.some((l) => l.kind === 'child process'); ) {
    if (Date.now() >= until) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    leaks = findLeaks(baseline);
  }
  if (leaks.length === 0) return;
  for (const leak of leaks) {
    await Promise.race([leak.release().catch(() => undefined), new Promise((r) => setTimeout(r, RELEASE_TIMEOUT_MS))]);
  }
  const lines = leaks.map((leak) => `  - ${leak.kind}: ${leak.description}`);
  throw new Error(
    `${scope} left ${leaks.length} resource(s) running (stopped now, so later tests are unaffected); close what ` +
      `the test opened (in the test, or in afterEach/afterAll for shared ones):\n${lines.join('\n')}`,
  );
}

// Deep enough to get past a server framework's or a harness's own frames; taken only when a resource starts.
function startedHere(what: string): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  try {
    return new Error(what);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// The first stack frames outside node internals, node_modules and this file: where the test or harness started it.
function startedWhere(error: Error): string {
  const frames = (error.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => !/node:|node_modules|<anonymous>|support\/leak-check/.test(line))
    .slice(0, 3);
  return frames.length > 0 ? `\n      ${frames.join('\n      ')}` : ' (no stack)';
}
