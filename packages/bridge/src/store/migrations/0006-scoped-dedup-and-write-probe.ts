import { type Kysely, type Migration, sql } from 'kysely';

/**
 * 0006:
 * - hook dedup keys are per scope (`<scope_id>|<key>`, see `insertHookRecord`): a body signed for one scope and
 *   posted to another's URL must never suppress the first scope's real copy. Existing keys get their scope prefix.
 * - `write_probes`: one row (`readyz`) that `/readyz` overwrites, so readiness fails when the database can answer
 *   but not write (disk full, read-only file or replica).
 */
export function scopedDedupAndWriteProbeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`update hooks set dedup_key = scope_id || '|' || dedup_key where dedup_key is not null`.execute(db);
      await db.schema
        .createTable('write_probes')
        .addColumn('probe_id', 'text', (c) => c.primaryKey())
        .addColumn('written_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
