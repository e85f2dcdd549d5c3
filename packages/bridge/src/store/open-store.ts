import { BridgeError } from '../errors.js';
import type { Logger } from './logger.js';
import { openPostgresStore } from './postgres/open-store.js';
import { openSqliteStore } from './sqlite/open-store.js';
import type { Store } from './store.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** `sqlite:<path>` (`sqlite:./data/x.sqlite`, `sqlite:///abs/x.sqlite`, `sqlite::memory:`) or `postgres://...`. */
  readonly databaseUrl: string;
  /** Pino-compatible logger; silent when absent. */
  readonly log?: Logger | undefined;
  /** PostgreSQL pool size (default 10); ignored for SQLite. */
  readonly maxConnections?: number | undefined;
  /** SQLite only: own the file while open (see `OpenSqliteStoreOptions.owner`); PostgreSQL is shared by design. */
  readonly owner?: string | undefined;
}

/**
 * Opens the database named by `databaseUrl`. Does not migrate: call `migrate(store)` at start.
 *
 * @example
 * const store = openStore({ databaseUrl: config.databaseUrl, log });
 * await migrate(store);
 */
export function openStore(options: OpenStoreOptions): Store {
  const log = options.log ?? {};
  const url = options.databaseUrl.trim();
  if (/^postgres(ql)?:\/\//.test(url)) {
    return openPostgresStore({ connectionString: url, maxConnections: options.maxConnections, log });
  }
  if (url.startsWith('sqlite:')) {
    let filename = url.slice('sqlite:'.length);
    if (filename.startsWith('//')) filename = filename.slice(2);
    if (filename === '') throw new BridgeError('store_unsupported_url', 'DATABASE_URL sqlite: needs a file path');
    return openSqliteStore({ filename, log, owner: options.owner });
  }
  // Only the scheme is quoted: the rest of a database URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new BridgeError(
    'store_unsupported_url',
    `Unsupported database URL scheme ${scheme}: use sqlite:<path> or postgres://...`,
  );
}
