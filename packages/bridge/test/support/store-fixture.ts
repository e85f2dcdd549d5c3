import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { MIGRATION_TABLE, migrate } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store, StoreDialect } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

/** A migrated store on a fresh database, with helpers to empty it between tests and to tear it down. */
export interface StoreFixture {
  readonly store: Store;
  readonly database: TestDatabase;
  /**
   * Opens a second, independent store on the same database (another "process"). The test closes it (the global leak
   * check fails a test that does not); `close()` closes any still open.
   */
  openAnother(): Store;
  /** Deletes every row, so each test starts empty. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Creates a database for `engine`, opens and migrates a store on it. */
export async function createStoreFixture(engine: StoreDialect): Promise<StoreFixture> {
  const database = await createTestDatabase(engine);
  const store = openStore({ databaseUrl: database.databaseUrl });
  await migrate(store);
  const others = new Set<Store>();
  return {
    store,
    database,
    openAnother() {
      const other = openStore({ databaseUrl: database.databaseUrl });
      others.add(other);
      return {
        ...other,
        close: () => {
          others.delete(other);
          return other.close();
        },
      };
    },
    async reset() {
      // Every table but the migration records, including tables later migrations add.
      const tables = (await store.db.introspection.getTables())
        .map((table) => table.name)
        .filter((name) => !name.startsWith(MIGRATION_TABLE));
      if (engine === 'postgres') {
        await sql`truncate ${sql.join(tables.map((name) => sql.table(name)))} cascade`.execute(store.db);
        return;
      }
      // One connection, outside any transaction: the pragma applies to the deletes that follow.
      await sql`pragma foreign_keys = off`.execute(store.db);
      try {
        for (const name of tables) await sql`delete from ${sql.table(name)}`.execute(store.db);
      } finally {
        await sql`pragma foreign_keys = on`.execute(store.db);
      }
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      await database.drop();
    },
  };
}

/**
 * The store fixture of a describe block: registers a `beforeAll` that creates it, a `beforeEach` that empties it
 * (before the block's own `beforeEach` hooks, which may seed it) and an `afterAll` that closes it. The returned
 * fixture is usable from the block's own `beforeAll` on; its `store` may be taken at once (`const { store } =
 * useStoreFixture(engine)`): it stands for the store created later, and using it before `beforeAll` throws.
 *
 * @example
 * describe.each(ENGINES)('queue on %s', (engine) => {
 *   const { store } = useStoreFixture(engine);
 *   it('enqueues', async () => {
 *     await enqueue(store.db, { kind: 'test', payload: {} });
 *   });
 * });
 */
export function useStoreFixture(engine: StoreDialect): StoreFixture {
  let opened: StoreFixture | undefined;
  const current = (): StoreFixture => {
    if (!opened) throw new Error('useStoreFixture: the store is created in beforeAll; read it from a hook or a test');
    return opened;
  };
  // Every read of a member goes to the store of the moment, so the block can hold this before the store exists.
  const store = new Proxy({} as Store, { get: (_target, member) => Reflect.get(current().store, member) });
  beforeAll(async () => {
    opened = await createStoreFixture(engine);
  });
  afterAll(async () => {
    await opened?.close();
  });
  beforeEach(async () => {
    await current().reset();
  });
  return {
    store,
    get database() {
      return current().database;
    },
    openAnother: () => current().openAnother(),
    reset: () => current().reset(),
    close: () => current().close(),
  };
}
