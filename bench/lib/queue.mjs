// The queue alone, no-op handlers: how fast the worker drains a backlog, and whether that depends on the backlog's
// size (5,000 vs 20,000 queued) or on lanes (none vs 50). The jobs are enqueued first (in transactions of 500),
// then one worker drains them; jobs/s counts from the worker's start to the last job done.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery } from 'kysely';
import { createWorker, enqueue } from '../../packages/bridge/dist/queue/index.js';
import { migrate } from '../../packages/bridge/dist/store/migrate.js';
import { openStore } from '../../packages/bridge/dist/store/open-store.js';
import { loadNow } from './machine.mjs';

/** Enqueues `jobs` no-op jobs over `lanes` lanes (0: no lane) and drains them with one worker; resolves jobs/s. */
export async function drainQueue({ databaseUrl, jobs, lanes, concurrency }) {
  const store = openStore({ databaseUrl, maxConnections: 4 });
  try {
    await migrate(store);
    for (let start = 0; start < jobs; start += 500) {
      await store.transaction(async (trx) => {
        for (let i = start; i < Math.min(jobs, start + 500); i++) {
          await enqueue(trx, { kind: 'noop', lane: lanes ? `lane-${i % lanes}` : null, payload: { i } });
        }
      });
    }
    const bytes =
      store.dialect === 'postgres'
        ? Number(
            (await store.db.executeQuery(CompiledQuery.raw("select pg_total_relation_size('jobs') as b", []))).rows[0]
              .b,
          )
        : undefined;
    let done = 0;
    const rssBefore = process.memoryUsage().rss;
    const worker = createWorker({
      store,
      concurrency,
      pollIntervalMs: 50,
      handlers: {
        noop: async () => {
          done++;
        },
      },
    });
    const load = loadNow();
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    worker.start();
    const deadline = started + 300_000;
    while (done < jobs && performance.now() < deadline) await sleep(20);
    await worker.stop();
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    return {
      system: 'amojo-bridge',
      jobs,
      lanes,
      concurrency,
      done,
      jobsPerSec: Math.round((done / ms) * 1000),
      cpuUsPerJob: Math.round((cpu.user + cpu.system) / Math.max(1, done)),
      ...(bytes === undefined ? {} : { bytesPer1000: Math.round((bytes / jobs) * 1000) }),
      rssGrowthMiB: Math.round(((process.memoryUsage().rss - rssBefore) / 2 ** 20) * 10) / 10,
      load,
    };
  } finally {
    await store.close();
  }
}
