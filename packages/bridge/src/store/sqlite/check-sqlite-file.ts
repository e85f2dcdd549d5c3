import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type SqliteDatabase from 'better-sqlite3';
import { BridgeError } from '../../errors.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses, before SQLite opens it, a file that is not a database: a zero-length file would otherwise start as a
 * fresh install (accounts gone, no error) and the next write would make that permanent.
 */
export function checkSqliteFileBeforeOpen(filename: string): void {
  let size: number;
  try {
    size = statSync(filename).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // a new database
    throw error;
  }
  if (size === 0) {
    throw new BridgeError(
      'store_file_invalid',
      `${filename} is empty (0 bytes): it is not an amojo-bridge database. Nothing was changed. If this is a new ` +
        'install, delete the file and start again; if it held your data, restore it from a backup.',
    );
  }
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(filename, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER)) {
    throw new BridgeError(
      'store_file_invalid',
      `${filename} is not an SQLite database (it does not start with the SQLite header). Nothing was changed: ` +
        "check that DATABASE_URL names the bridge's database, or restore the file from a backup.",
    );
  }
}

/** Refuses an SQLite database that belongs to something else: it has tables, but not the bridge's migration table. */
export function checkSqliteTables(database: SqliteDatabase.Database, filename: string, migrationTable: string): void {
  const rows = database
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .all() as { name: string }[];
  if (rows.length === 0 || rows.some((row) => row.name === migrationTable)) return;
  const names = rows.slice(0, 5).map((row) => row.name);
  throw new BridgeError(
    'store_file_invalid',
    `${filename} is an SQLite database of something else (tables ${names.join(', ')}${rows.length > 5 ? ', ...' : ''}; ` +
      `no ${migrationTable}). Nothing was changed: point DATABASE_URL at the bridge's own file or at a new path.`,
  );
}

/** Rewords SQLite's "not a database" / "malformed" errors so they name the file and what to do. */
export function describeSqliteOpenError(error: unknown, filename: string): unknown {
  const code = (error as { code?: unknown })?.code;
  if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') return error;
  return new BridgeError(
    'store_file_invalid',
    `${filename} is damaged (${(error as Error).message}). Nothing was changed: restore it from a backup, or ` +
      `salvage what is left with \`sqlite3 ${filename} .recover\` into a new file.`,
    { cause: error },
  );
}
