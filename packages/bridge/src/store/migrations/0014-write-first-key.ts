import type { Kysely, Migration } from 'kysely';

/**
 * 0014: `conversations.write_first_key`, the phone key (`phone:...`) a "write first" chat had before the messenger
 * told the customer's own key on the first send (WhatsApp answers the phone's `wa_id`) and the chat took that key,
 * so the customer's reply finds the chat. The first reply still binds the amoCRM chat (spec 3.4.7): the binding
 * check reads this column once the key no longer starts with `phone:`.
 */
export function writeFirstKeyMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('conversations').addColumn('write_first_key', 'text').execute();
    },
  };
}
