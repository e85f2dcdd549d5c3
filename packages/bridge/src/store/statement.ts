import { CompiledQuery, PostgresAdapter, type QueryResult } from 'kysely';
import type { Executor, StoreDialect } from './store.js';

/**
 * One SQL statement written once with `?` placeholders, held in the text each engine wants (PostgreSQL: `$1..$n`).
 * Queue statements run through `executeQuery` as they are: no Kysely query building or compiling per call, which
 * was ~20% of busy CPU on the intake and relay hot paths (bench/NOTES.md). On SQLite the store reuses the prepared
 * statement by its text.
 */
export interface Statement {
  readonly sqlite: string;
  readonly postgres: string;
}

/** Builds a {@link Statement} from text with `?` placeholders (the text must hold no other `?`). */
export function statement(text: string): Statement {
  const sqlite = text.replace(/\s+/g, ' ').trim();
  let n = 0;
  return { sqlite, postgres: sqlite.replace(/\?/g, () => `$${++n}`) };
}

/** The engine behind an executor (the store's `db` or a transaction of it). */
export function dialectOf(db: Executor): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Runs a {@link Statement} with positional parameters on `db`. */
export function runStatement<Row>(
  db: Executor,
  st: Statement,
  params: readonly unknown[],
  dialect: StoreDialect = dialectOf(db),
): Promise<QueryResult<Row>> {
  return db.executeQuery<Row>(CompiledQuery.raw(dialect === 'postgres' ? st.postgres : st.sqlite, [...params]));
}

/** Rows a write statement changed (`numAffectedRows`, present on both engines for update/delete/insert). */
export function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
