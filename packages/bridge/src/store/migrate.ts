import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import { BridgeError } from '../errors.js';
import { listMigrations } from './migrations/index.js';
import type { Store } from './store.js';

/** Table where applied migrations are recorded (and its lock table, `schema_migrations_lock`). */
export const MIGRATION_TABLE = 'schema_migrations';

/** What {@link migrate} applied. */
export interface MigrateResult {
  /** Names of the migrations applied by this call, in order; empty when the schema was up to date. */
  readonly applied: readonly string[];
}

/**
 * Applies every pending migration. Safe to call at every start and from several processes at once: on PostgreSQL
 * Kysely holds an advisory lock while migrating, on SQLite the file's write lock serialises processes.
 */
export async function migrate(store: Store): Promise<MigrateResult> {
  const provider = { getMigrations: async () => ({ ...listMigrations(store.dialect) }) };
  const migrator = new Migrator({
    db: store.db as Kysely<unknown>,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const message = error instanceof Error ? error.message : String(error);
    throw new BridgeError('store_migration_failed', `Migration ${failed} failed: ${message}`, { cause: error });
  }
  if (applied.length > 0) store.log.info?.({ event: 'migrations_applied', applied }, 'database migrated');
  return { applied };
}
