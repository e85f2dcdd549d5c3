import type { Kysely, Migration } from 'kysely';
import { reference } from './column-types.js';

/**
 * 0007: the state of outbound recovery (`pipelines/outbound-recovery`, see its README). `recovery_chats` holds when
 * each conversation's chat history was last read, so the scan of accounts without OAuth tokens visits the
 * oldest-checked chat first and covers every chat, not only the most recently active. `recovery_accounts` holds how
 * far each account's event feed (`GET /api/v4/events`) has been read, so a restart continues from there and the
 * downtime is covered by one request.
 */
export function outboundRecoveryMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('recovery_chats')
        .addColumn('conversation_row_id', 'bigint', (c) =>
          reference('conversations', 'cascade')(c).primaryKey().notNull(),
        )
        .addColumn('checked_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recovery_chats_checked').on('recovery_chats').column('checked_at').execute();

      await db.schema
        .createTable('recovery_accounts')
        .addColumn('account_id', 'bigint', (c) => reference('accounts', 'cascade')(c).primaryKey().notNull())
        // When a bridge process last took this account's recovery round (ms): one process per interval does it.
        .addColumn('turn_at', 'bigint', (c) => c.notNull())
        // Unix seconds (the event feed's unit): events created up to here have been read; null without tokens.
        .addColumn('events_read_until', 'bigint')
        .execute();
    },
  };
}
