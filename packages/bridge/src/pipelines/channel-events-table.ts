import type { Generated } from 'kysely';
import type { Executor } from '../store/store.js';

/** `channel_events` (migration 0011): customer edits and reactions already taken, by channel event id. */
export interface ChannelEventsTable {
  readonly id: Generated<number>;
  readonly channel_instance_id: number;
  readonly event_id: string;
  readonly kind: string;
  readonly created_at: number;
}

/**
 * Remembers an event id inside the caller's transaction; false when it was taken before (a redelivery), so the
 * caller stores nothing else.
 */
export async function rememberChannelEvent(
  trx: Executor,
  input: { readonly instanceRowId: number; readonly eventId: string; readonly kind: string; readonly now: number },
): Promise<boolean> {
  const row = await trx
    .withTables<{ channel_events: ChannelEventsTable }>()
    .insertInto('channel_events')
    .values({
      channel_instance_id: input.instanceRowId,
      event_id: input.eventId,
      kind: input.kind,
      created_at: input.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
