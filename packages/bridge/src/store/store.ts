import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Logger } from './logger.js';

/** The database engines the bridge supports. */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * Anything queries run on: the store's `db` or a transaction handed out by {@link Store.transaction}.
 * Store functions take one of these so callers decide what commits together.
 */
export type Executor = Kysely<Database>;

/** An open database with the bridge's schema. */
export interface Store {
  /** Kysely over the pool (PostgreSQL) or the single connection (SQLite). */
  readonly db: Kysely<Database>;
  /** Which engine `db` talks to. */
  readonly dialect: StoreDialect;
  /** The logger given to `openStore`. */
  readonly log: Logger;
  /**
   * Runs `fn` in one transaction and commits when it resolves (rolls back when it throws). On SQLite the
   * transaction is `BEGIN IMMEDIATE` on the only connection, so nothing else runs on this store meanwhile: inside
   * `fn` use the given executor, never `store.db` (that would wait for the connection `fn` holds). On PostgreSQL `fn`
   * runs again when the database aborts the transaction for a deadlock or a serialisation failure (nothing of it was
   * written), so `fn` must have no effect outside the transaction: no network calls, no pushes to outer arrays;
   * return what it produced instead.
   */
  transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T>;
  /** Signals workers of this process that jobs were committed (see `enqueue`); fired after commit. */
  readonly jobSignal: JobSignal;
  /** Closes the pool or the file. */
  close(): Promise<void>;
}

/** In-process wake-up for workers, so a fresh job runs without waiting for the next poll. */
export interface JobSignal {
  /** Registers a listener; returns the function that unregisters it. */
  subscribe(listener: () => void): () => void;
  /** Calls every listener. */
  emit(): void;
}
