import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../store.js';
import { addIdColumn, reference } from './column-types.js';

/**
 * 0012: when each WhatsApp customer last wrote to each business number (instance), so the channel knows whether
 * Meta's 24-hour customer-service window is open before it sends free-form text (outside it, Meta accepts the send
 * and fails it later with 131047; the bridge answers -1 or sends the instance's template instead).
 */
export function whatsappWindowsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('whatsapp_windows'), dialect)
        .addColumn('channel_instance_id', 'bigint', (c) => reference('channel_instances', 'cascade')(c).notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        // ms since the epoch of the customer's latest message (Meta's timestamp, not the arrival time).
        .addColumn('last_inbound_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('whatsapp_windows_unique', ['channel_instance_id', 'wa_id'])
        .execute();
    },
  };
}
