import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, sql } from 'kysely';
import type { Database } from '../database.js';
import { createJobSignal, registerExecutor } from '../job-signal.js';
import type { Logger } from '../logger.js';
import { MIGRATION_TABLE } from '../migrate.js';
import type { Executor, Store } from '../store.js';
import { checkSqliteFileBeforeOpen, checkSqliteTables, describeSqliteOpenError } from './check-sqlite-file.js';
import { acquireOwnerLock, type OwnerLock } from './owner-lock.js';

/** Options of {@link openSqliteStore}. */
export interface OpenSqliteStoreOptions {
  /** File path, or `:memory:`. */
  readonly filename: string;
  readonly log: Logger;
  /**
   * Take ownership of the file (`<file>.lock` with this pid) for as long as the store is open, naming what holds it
   * (e.g. `amojo-bridge start`). A second owner is refused with `DataLockedError` naming the holder's pid. The
   * service sets it; one-shot commands (`connect`, `migrate`) do not, and only wait for the write lock.
   */
  readonly owner?: string | undefined;
}

/** Opens (creating if needed) an SQLite file with the pragmas the bridge relies on. */
export function openSqliteStore(options: OpenSqliteStoreOptions): Store {
  const { filename, log } = options;
  const onDisk = filename !== ':memory:' && filename !== '';
  if (onDisk) mkdirSync(dirname(resolve(filename)), { recursive: true });
  const lock: OwnerLock | undefined = onDisk && options.owner ? acquireOwnerLock(filename, options.owner) : undefined;
  let database: SqliteDatabase.Database;
  try {
    database = openDatabase(filename, onDisk);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const jobSignal = createJobSignal();
  registerExecutor(db, { signal: jobSignal });

  return {
    db,
    dialect: 'sqlite',
    log,
    jobSignal,
    async transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
      return runImmediate(db, jobSignal, log, fn);
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

function openDatabase(filename: string, onDisk: boolean): SqliteDatabase.Database {
  if (onDisk) checkSqliteFileBeforeOpen(filename);
  const database = new SqliteDatabase(filename);
  try {
    configure(database);
    if (onDisk) checkSqliteTables(database, filename, MIGRATION_TABLE);
  } catch (error) {
    database.close();
    throw describeSqliteOpenError(error, filename);
  }
  return database;
}

function configure(database: SqliteDatabase.Database): void {
  // WAL lets readers (admin API) proceed during a write. synchronous=FULL fsyncs the WAL on every commit: intake
  // answers amojo 200 only after its commit, and amojo never resends a hook, so a commit lost to a power cut is a
  // message lost forever. NORMAL would only lose commits on power loss (not on a process crash) but that is exactly
  // the case FULL protects; group commit (`createCommitBatcher`) pays the fsync once per batch instead.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  // Another process (the CLI's `migrate`, an admin script) may briefly hold the write lock.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
}

async function runImmediate<T>(
  db: Kysely<Database>,
  jobSignal: Store['jobSignal'],
  log: Logger,
  fn: (trx: Executor) => Promise<T>,
): Promise<T> {
  // Kysely's SQLite transactions start DEFERRED; IMMEDIATE takes the write lock at BEGIN, so a transaction that
  // reads then writes (claiming jobs) cannot fail half-way with SQLITE_BUSY when another process writes.
  return db.connection().execute(async (connection) => {
    const afterCommit: (() => void)[] = [];
    registerExecutor(connection, { signal: jobSignal, afterCommit });
    await sql`begin immediate`.execute(connection);
    let result: T;
    try {
      result = await fn(connection);
      await sql`commit`.execute(connection);
    } catch (error) {
      try {
        await sql`rollback`.execute(connection);
      } catch (rollbackError) {
        log.error?.({ err: rollbackError }, 'sqlite rollback failed');
      }
      throw error;
    }
    for (const callback of afterCommit) callback();
    return result;
  });
}

/** Most prepared statements kept; past it the cache starts over (SQL with varying IN lists cannot grow it forever). */
const STATEMENT_CACHE_SIZE = 500;

// Kysely's SQLite driver prepares every query anew, and preparing cost more than running the bridge's small
// statements (about a fifth of intake CPU in `npm run bench`). Statements are reused by SQL text: the driver runs one
// query at a time on its single connection, so a statement is never executing twice at once.
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sqlText: string) {
      let statement = statements.get(sqlText);
      if (!statement) {
        statement = database.prepare(sqlText);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}
