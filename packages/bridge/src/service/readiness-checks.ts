import { sql } from 'kysely';
import { listMigrations } from '../store/migrations/index.js';
import type { Store } from '../store/store.js';
import type { ReadinessCheck } from './health-routes.js';

/** What `/readyz` checks: the database answers reads and writes, every migration ran, the worker runs. */
export function createReadinessChecks(input: {
  readonly store: Store;
  readonly now: () => Date;
  readonly workerRunning: () => boolean;
}): ReadinessCheck[] {
  const { store, now } = input;
  const expectedMigrations = Object.keys(listMigrations(store.dialect)).length;
  return [
    {
      name: 'database',
      check: async () => {
        await sql`select 1`.execute(store.db);
        return true;
      },
    },
    {
      // Reads can succeed while writes fail (disk full, a read-only file or replica): overwrite one row, so the
      // load balancer stops sending hooks that could not be stored.
      name: 'database_write',
      check: async () => {
        const writtenAt = now().getTime();
        await store.db
          .insertInto('write_probes')
          .values({ probe_id: 'readyz', written_at: writtenAt })
          .onConflict((oc) => oc.column('probe_id').doUpdateSet({ written_at: writtenAt }))
          .execute();
        return true;
      },
    },
    {
      name: 'migrations',
      check: async () => {
        const row = await sql<{ n: number | string }>`select count(*) as n from schema_migrations`.execute(store.db);
        return Number(row.rows[0]?.n ?? 0) >= expectedMigrations;
      },
    },
    { name: 'worker', check: async () => input.workerRunning() },
  ];
}
