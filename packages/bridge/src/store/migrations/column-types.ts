import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../store.js';

/** Adds the row key `id`: SQLite's rowid alias, or a PostgreSQL bigint identity. */
export function addIdColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: StoreDialect,
): CreateTableBuilder<T, 'id'> {
  // AUTOINCREMENT keeps SQLite from reusing the ids of deleted rows, so a job id or hook id is never ambiguous.
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigint', (column) => column.primaryKey().generatedByDefaultAsIdentity());
}

/** A column referencing another table's `id`. */
export function reference(target: string, onDelete: 'cascade' | 'set null' | 'restrict') {
  return (column: ColumnDefinitionBuilder) => column.references(`${target}.id`).onDelete(onDelete);
}
