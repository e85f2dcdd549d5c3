// The same no-op drain as lib/queue.mjs, for graphile-worker 0.17.3 and pg-boss 10.4.2 (bench dev dependencies;
// their newest releases that run on Node 20), each in its own fresh database on the same cluster. Jobs are added
// first, in bulk, then the drain is timed from the worker's start to the last job completed.
//   graphile-worker: its perf-test shape (jobs added with graphile_worker.add_job over generate_series, `runOnce`
//     with concurrency 24 and defaults otherwise); lanes = job queues (`queue_name`, which run one job at a time).
//   pg-boss: `insert` in chunks of 1,000, then `work` handlers fetching batches (4 workers x batchSize 8 = 32 jobs in
//     flight, polling every 0.5 s, its minimum). pg-boss 10 has no per-key FIFO policy, so it runs unlaned only.
import pg from 'pg';
import { loadNow } from './machine.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function tableBytes(databaseUrl, table) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // pg-boss 10 partitions its job table: count the partitions too.
    const { rows } = await client.query(
      `select pg_total_relation_size($1::regclass)
         + coalesce((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = $1::regclass), 0)
         as bytes`,
      [table],
    );
    return Number(rows[0].bytes);
  } finally {
    await client.end();
  }
}

/** graphile-worker: resolves jobs/s and the jobs table's bytes per 1,000 queued jobs. */
export async function drainGraphile({ databaseUrl, jobs, lanes, concurrency = 24 }) {
  const { runMigrations, runOnce } = await import('graphile-worker');
  const logFactory = () => () => {};
  const { Logger } = await import('graphile-worker');
  const logger = new Logger(logFactory);
  await runMigrations({ connectionString: databaseUrl, logger });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      lanes
        ? `select graphile_worker.add_job('noop', json_build_object('i', i), queue_name := 'lane-' || (i % ${lanes})) from generate_series(1, $1) i`
        : `select graphile_worker.add_job('noop', json_build_object('i', i)) from generate_series(1, $1) i`,
      [jobs],
    );
  } finally {
    await client.end();
  }
  const bytes = await tableBytes(databaseUrl, 'graphile_worker._private_jobs');
  let done = 0;
  const load = loadNow();
  const started = performance.now();
  await runOnce({
    connectionString: databaseUrl,
    concurrency,
    logger,
    taskList: {
      noop: async () => {
        done++;
      },
    },
  });
  const ms = performance.now() - started;
  return {
    system: 'graphile-worker',
    jobs,
    lanes,
    concurrency,
    done,
    jobsPerSec: Math.round((done / ms) * 1000),
    bytesPer1000: Math.round((bytes / jobs) * 1000),
    load,
  };
}

/** pg-boss: resolves jobs/s and the job table's bytes per 1,000 queued jobs (unlaned only). */
export async function drainPgBoss({ databaseUrl, jobs, workers = 4, batchSize = 8 }) {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: databaseUrl, max: workers + 2, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  try {
    await boss.createQueue('noop');
    for (let start = 0; start < jobs; start += 1000) {
      const chunk = [];
      for (let i = start; i < Math.min(jobs, start + 1000); i++) chunk.push({ name: 'noop', data: { i } });
      await boss.insert(chunk);
    }
    const bytes = await tableBytes(databaseUrl, 'pgboss.job');
    let done = 0;
    const load = loadNow();
    const started = performance.now();
    for (let w = 0; w < workers; w++) {
      await boss.work('noop', { batchSize, pollingIntervalSeconds: 0.5 }, async (batch) => {
        done += batch.length;
      });
    }
    const deadline = started + 300_000;
    while (done < jobs && performance.now() < deadline) await sleep(20);
    const ms = performance.now() - started;
    return {
      system: 'pg-boss',
      jobs,
      lanes: 0,
      concurrency: workers * batchSize,
      done,
      jobsPerSec: Math.round((done / ms) * 1000),
      bytesPer1000: Math.round((bytes / jobs) * 1000),
      load,
    };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
  }
}
