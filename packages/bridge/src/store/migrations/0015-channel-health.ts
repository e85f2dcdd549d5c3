import type { Kysely, Migration } from 'kysely';
import { reference } from './column-types.js';

/**
 * 0015: the health of each channel instance (`channels/health/`): `ok`, `degraded` or `broken` with the problem and
 * the last error, derived from what its adapter saw (send results, checks). One row per instance, written by every
 * process (several bridges on one PostgreSQL share it), so the state survives restarts and the CLI reads it.
 */
export function channelHealthMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('channel_health')
        .addColumn('channel_instance_id', 'bigint', (c) =>
          reference('channel_instances', 'cascade')(c).primaryKey().notNull(),
        )
        // 'ok' | 'degraded' | 'broken'.
        .addColumn('state', 'text', (c) => c.notNull())
        // 'bad_credentials' | 'number_blocked' | 'unreachable' | 'failing', null when ok.
        .addColumn('problem', 'text')
        // The adapter's reason of the last failure (never a secret, by the adapter contract); kept after recovery.
        .addColumn('reason', 'text')
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        // Where the last signal came from: 'send' | 'check'.
        .addColumn('source', 'text', (c) => c.notNull())
        // ms since the epoch: when the state last changed / when the last signal was written.
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error_at', 'bigint')
        .execute();
    },
  };
}
