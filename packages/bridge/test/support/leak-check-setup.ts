// Global setup file (`setupFiles` in /vitest.config.ts): fails a test that leaves a queue worker, a worker thread, a
// bridge store, a listening server or a child process running, and a file whose beforeAll/afterAll pairs do (see `leak-check.ts`).
//
// A test is compared with what ran when it began, so a server or world a file shares across its tests (opened in
// beforeAll, closed in afterAll) never counts against a test; the file as a whole is compared with what ran before
// it was imported, after its last afterAll. Tests that hand what they start to the next test (a describe calling
// `shareResourcesAcrossTests()`) are only checked with their file. This file's hooks are registered before the test file's, so its
// afterEach/afterAll run after the file's own (vitest runs after-hooks in reverse order).
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import {
  assertNoLeaks,
  runningResources,
  startFileCheck,
  testsShareResources,
  trackQueueWorker,
  trackStore,
} from './leak-check.js';

// The stores and queue workers the code under test opens are reported by wrapping their factories; a test file that
// never imports them never loads them.
vi.mock('../../src/store/sqlite/open-store.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/store/sqlite/open-store.js')>();
  return {
    ...actual,
    openSqliteStore: (options: Parameters<typeof actual.openSqliteStore>[0]) =>
      trackStore(actual.openSqliteStore(options), `on ${options.filename}`),
  };
});
vi.mock('../../src/store/postgres/open-store.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/store/postgres/open-store.js')>();
  return {
    ...actual,
    openPostgresStore: (options: Parameters<typeof actual.openPostgresStore>[0]) =>
      trackStore(actual.openPostgresStore(options), `on ${new URL(options.connectionString).pathname}`),
  };
});
vi.mock('../../src/queue/worker.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/queue/worker.js')>();
  return {
    ...actual,
    createWorker: (options: Parameters<typeof actual.createWorker>[0]) =>
      trackQueueWorker(actual.createWorker(options)),
  };
});

const beforeFile = startFileCheck();
let beforeTest: ReadonlySet<object> = beforeFile;

beforeEach(() => {
  beforeTest = runningResources();
});
afterEach(async () => {
  if (!testsShareResources()) await assertNoLeaks(beforeTest, 'This test');
});
afterAll(async () => {
  await assertNoLeaks(beforeFile, 'This file (its beforeAll/afterAll hooks, or tests sharing what they start)');
});
