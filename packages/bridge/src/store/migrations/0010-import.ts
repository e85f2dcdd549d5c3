import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { addIdColumn, reference } from './column-types.js';

/**
 * 0010: what `amojo-bridge import` keeps so an import is resumable and its report readable: one row per run (a
 * source file imported into one channel instance), one per chat of a run with its high-water mark (the ordinal of
 * the newest message of that chat amojo accepted), the per-message error report, and the export's media served
 * to amojo at the bridge's own file URLs (in the database, so any bridge process sharing it can serve them).
 */
export function importMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('import_runs'), dialect)
        // sha256 of instance key, format and the source file's content: the same file again is the same run.
        .addColumn('run_key', 'text', (c) => c.notNull().unique())
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('chats', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('sent', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('duplicates', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();

      await addIdColumn(db.schema.createTable('import_chats'), dialect)
        .addColumn('run_id', 'bigint', (c) => reference('import_runs', 'cascade')(c).notNull())
        .addColumn('chat_key', 'text', (c) => c.notNull())
        .addColumn('conversation_row_id', 'bigint', (c) => reference('conversations', 'set null')(c))
        .addColumn('total', 'bigint', (c) => c.notNull())
        // Unix ms of the chat's newest message (amoCRM shows history in the card from 24 h before the lead).
        .addColumn('newest_at', 'bigint', (c) => c.notNull())
        // Ordinal (0-based, file order within the chat) of the newest message amojo has; -1 before the first.
        .addColumn('sent_through', 'bigint', (c) => c.notNull().defaultTo(-1))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('import_chats_unique', ['run_id', 'chat_key'])
        .execute();

      await addIdColumn(db.schema.createTable('import_errors'), dialect)
        .addColumn('run_id', 'bigint', (c) => reference('import_runs', 'cascade')(c).notNull())
        // Where in the source: "line 17", "chat 4 message 1203", ...
        .addColumn('position', 'text', (c) => c.notNull())
        .addColumn('chat_key', 'text')
        .addColumn('msgid', 'text')
        // `error`: not sent (bad input, amojo refused); `skipped`: deliberately not imported (system line, ...).
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('import_errors_unique', ['run_id', 'position'])
        .execute();

      await addIdColumn(db.schema.createTable('import_media'), dialect)
        // sha256 of the bytes and name, base64url: idempotent across runs and unguessable without the file.
        .addColumn('file_key', 'text', (c) => c.notNull().unique())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
