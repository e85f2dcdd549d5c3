// `node bench/queue.mjs [--engines=sqlite,postgres] [--concurrency=8] [--sizes=5000,20000] [--lanes=0,50]`:
// the queue's no-op drain rate for each backlog size and lane count, same run, one fresh database per case.
// Prints JSON lines; `npx tsc -b` first (it imports dist).
// `--compare` instead: on PostgreSQL only, ours next to graphile-worker and pg-boss (lib/queue-compare.mjs), same
// cluster, same run, `--sizes` jobs each (default 5000), lanes 0 and 50 where the system has lanes, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from './lib/postgres.mjs';
import { drainQueue } from './lib/queue.mjs';
import { drainGraphile, drainPgBoss } from './lib/queue-compare.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);
const list = (v, d) => String(v ?? d).split(',');
const engines = list(args.engines, 'sqlite,postgres');
const sizes = list(args.sizes, '5000,20000').map(Number);
const laneCounts = list(args.lanes, '0,50').map(Number);
const concurrency = Number(args.concurrency ?? 8);
const tmp = mkdtempSync(join(tmpdir(), 'amojo-bridge-queue-bench-'));
const compare = Boolean(args.compare);
const postgres = engines.includes('postgres') || compare ? await startPostgres() : undefined;
try {
  if (compare) {
    const jobs = Number(args.sizes ?? 5000);
    const rounds = Number(args.rounds ?? 2);
    for (let round = 0; round < rounds; round++) {
      for (const lanes of laneCounts) {
        const ours = await drainQueue({ databaseUrl: await postgres.createDatabase(), jobs, lanes, concurrency: 24 });
        console.log(JSON.stringify({ round, engine: 'postgres', ...ours }));
        const graphile = await drainGraphile({ databaseUrl: await postgres.createDatabase(), jobs, lanes });
        console.log(JSON.stringify({ round, engine: 'postgres', ...graphile }));
        if (lanes === 0) {
          const boss = await drainPgBoss({ databaseUrl: await postgres.createDatabase(), jobs });
          console.log(JSON.stringify({ round, engine: 'postgres', ...boss }));
        }
      }
    }
  }
  let n = 0;
  for (const engine of compare ? [] : engines) {
    for (const lanes of laneCounts) {
      for (const jobs of sizes) {
        const databaseUrl =
          engine === 'sqlite' ? `sqlite:${join(tmp, `q${n++}.sqlite`)}` : await postgres.createDatabase();
        const result = await drainQueue({ databaseUrl, jobs, lanes, concurrency });
        console.log(JSON.stringify({ engine, ...result }));
      }
    }
  }
} finally {
  await postgres?.close();
  rmSync(tmp, { recursive: true, force: true });
}
