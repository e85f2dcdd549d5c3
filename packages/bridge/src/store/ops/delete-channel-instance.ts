import type { ChannelInstanceKey } from '../ids.js';
import type { Executor } from '../store.js';

/**
 * Deletes a channel instance by its public key; resolves whether it existed. Its conversations and sources stay
 * (their `channel_instance_id` becomes null through the foreign key), so history remains readable.
 */
export async function deleteChannelInstance(
  db: Executor,
  input: { readonly key: ChannelInstanceKey },
): Promise<boolean> {
  const result = await db.deleteFrom('channel_instances').where('key', '=', input.key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
