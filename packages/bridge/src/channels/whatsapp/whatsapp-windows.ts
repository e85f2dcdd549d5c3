import type { Generated, Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import type { Executor } from '../../store/store.js';

/** `whatsapp_windows` (migration 0012): when a customer last wrote to a business number. */
interface WhatsAppWindowsTable {
  readonly id: Generated<number>;
  readonly channel_instance_id: number;
  readonly wa_id: string;
  readonly last_inbound_at: number;
}

type WhatsAppDb = Kysely<Database & { readonly whatsapp_windows: WhatsAppWindowsTable }>;
const whatsappDb = (db: Executor): WhatsAppDb => db.withTables<{ readonly whatsapp_windows: WhatsAppWindowsTable }>();

/** Meta's customer-service window: free-form messages are allowed this long after the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Remembers a customer's message time; an older time (a redelivered or late webhook) never moves it back. */
export async function recordCustomerMessage(
  db: Executor,
  input: { readonly instanceRowId: number; readonly waId: string; readonly at: number },
): Promise<void> {
  await whatsappDb(db)
    .insertInto('whatsapp_windows')
    .values({ channel_instance_id: input.instanceRowId, wa_id: input.waId, last_inbound_at: input.at })
    .onConflict((oc) =>
      oc
        .columns(['channel_instance_id', 'wa_id'])
        .doUpdateSet({ last_inbound_at: input.at })
        .where('whatsapp_windows.last_inbound_at', '<', input.at),
    )
    .execute();
}

/** When the customer last wrote to this number (ms), or undefined if never. */
export async function lastCustomerMessageAt(
  db: Executor,
  input: { readonly instanceRowId: number; readonly waId: string },
): Promise<number | undefined> {
  const row = await whatsappDb(db)
    .selectFrom('whatsapp_windows')
    .select('last_inbound_at')
    .where('channel_instance_id', '=', input.instanceRowId)
    .where('wa_id', '=', input.waId)
    .executeTakeFirst();
  return row ? Number(row.last_inbound_at) : undefined;
}
