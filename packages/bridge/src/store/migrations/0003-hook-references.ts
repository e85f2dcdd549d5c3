import type { Kysely, Migration } from 'kysely';

/**
 * 0003: indexes on the hook log's references. `hooks.job_id` and `hooks.duplicate_of` are foreign keys with
 * `on delete set null`; without an index every deleted job or hook made the database scan the whole hook log.
 * Measured by the maintenance task on 100,000 hooks, one 500-row prune batch: SQLite 7.2 s -> 56 ms (jobs) and
 * 7.1 s -> 19 ms (hooks); on SQLite that time blocks the bridge's event loop.
 */
export function hookReferencesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('hooks_job').on('hooks').column('job_id').execute();
      await db.schema.createIndex('hooks_duplicate_of').on('hooks').column('duplicate_of').execute();
    },
  };
}
