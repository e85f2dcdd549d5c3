import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { addIdColumn, reference } from './column-types.js';

/**
 * 0011: customer events that are not messages (edits, reactions) remembered once per channel instance, so a
 * messenger's redelivery (a Telegram webhook retried, a long-polling offset not yet confirmed before a crash) stores
 * nothing twice; and the files of Telegram customer messages, named by an unguessable key the bridge serves them
 * under (downloaded from Telegram on first request and kept, so the bot token never appears in a URL amoCRM sees).
 */
export function channelEventsAndTelegramFilesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('channel_events'), dialect)
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('channel_events_unique', ['channel_instance_id', 'event_id'])
        .execute();

      await addIdColumn(db.schema.createTable('telegram_files'), dialect)
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        // 32 random bytes, base64url: the unguessable part of the public URL.
        .addColumn('file_key', 'text', (c) => c.notNull().unique())
        .addColumn('telegram_file_id', 'text', (c) => c.notNull())
        .addColumn('file_unique_id', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint')
        // Null until first downloaded from Telegram.
        .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('fetched_at', 'bigint')
        // One row per file and instance: a redelivered update finds the same key.
        .addUniqueConstraint('telegram_files_unique', ['channel_instance_id', 'file_unique_id'])
        .execute();
    },
  };
}
