import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { addIdColumn, reference } from './column-types.js';

/**
 * 0002: what the webchat channel keeps beside the relay tables: visitors and their pre-chat profile, uploaded files
 * (in the database so every bridge process sharing it can serve them), and manager reactions shown on messages.
 */
export function webchatMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('webchat_visitors'), dialect)
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('webchat_visitors_unique', ['channel_instance_id', 'visitor_id'])
        .execute();

      await addIdColumn(db.schema.createTable('webchat_uploads'), dialect)
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        // 32 random bytes, base64url: the unguessable part of the public URL.
        .addColumn('file_key', 'text', (c) => c.notNull().unique())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webchat_uploads_visitor')
        .on('webchat_uploads')
        .columns(['channel_instance_id', 'visitor_id'])
        .execute();

      await addIdColumn(db.schema.createTable('webchat_reactions'), dialect)
        .addColumn('message_id', 'bigint', (c) => reference('messages', 'cascade')(c).notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('webchat_reactions_unique', ['message_id', 'sender_id'])
        .execute();
    },
  };
}
