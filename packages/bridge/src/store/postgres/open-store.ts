import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { registerExecutor } from '../job-signal.js';
import type { Logger } from '../logger.js';
import type { Executor, Store } from '../store.js';
import { createPostgresJobSignal } from './job-notifications.js';
import { retryTransaction } from './retry-transaction.js';

/** Options of {@link openPostgresStore}. */
export interface OpenPostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly connectionString: string;
  /** Pool size; default 10. Size it above the queue concurrency plus intake's needs. */
  readonly maxConnections?: number | undefined;
  readonly log: Logger;
}

const INT8_OID = 20;

// Times and ids are int8; pg returns them as strings to be safe past 2^53. Ours (milliseconds since the epoch, row
// counters) stay far below that, so they are parsed to numbers for this pool only, never globally.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads cannot be forwarded generically.
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/** Opens a PostgreSQL pool. */
export function openPostgresStore(options: OpenPostgresStoreOptions): Store {
  const { log } = options;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', (error) => log.error?.({ err: { message: error.message } }, 'postgres idle client error'));

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const jobSignal = createPostgresJobSignal({ db, connectionString: options.connectionString, log });
  registerExecutor(db, { signal: jobSignal });

  return {
    db,
    dialect: 'postgres',
    log,
    jobSignal,
    async transaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
      let afterCommit: (() => void)[] = [];
      const result = await retryTransaction(
        () => {
          afterCommit = [];
          return db.transaction().execute((trx) => {
            registerExecutor(trx, { signal: jobSignal, afterCommit });
            return fn(trx);
          });
        },
        (error, attempt) =>
          log.warn?.(
            { event: 'transaction_retried', attempt, code: (error as { code?: string }).code },
            'postgres aborted a transaction (deadlock or serialisation failure); running it again',
          ),
      );
      for (const callback of afterCommit) callback();
      return result;
    },
    async close() {
      await jobSignal.close();
      await db.destroy();
    },
  };
}
