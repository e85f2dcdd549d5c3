import { type Kysely, type Migration, type SqlBool, sql } from 'kysely';

/**
 * 0016: sends held while their channel instance is broken (`pipelines/hold-for-broken-channel.ts`).
 * - `jobs.held_for`: the key a queued job is held for (`channel:<instance row id>`), null when not held. A held job
 *   waits without using an attempt and is made runnable at once when its key is released (`queue/hold-job.ts`);
 *   the partial index keeps that release one index range, whatever the rest of the backlog.
 * - `job_hold_releases`: when each key was last released, so a hold written just after a release (its handler saw
 *   the cause before) ends at once instead of waiting out its time (`queue/sql/hold-job.ts`). One row per key.
 * - `channel_health.probe_at`: while an instance is broken, the time its next held send may try the messenger again
 *   (one probe per instance and interval, `CHANNEL_HOLD_PROBE_MS`); null when no probe was planned.
 */
export function heldJobsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('held_for', 'text').execute();
      await db.schema
        .createIndex('jobs_held_for')
        .on('jobs')
        .column('held_for')
        .where(sql<SqlBool>`held_for is not null`)
        .execute();
      await db.schema
        .createTable('job_hold_releases')
        .addColumn('held_for', 'text', (c) => c.primaryKey().notNull())
        .addColumn('released_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('channel_health').addColumn('probe_at', 'bigint').execute();
    },
  };
}
