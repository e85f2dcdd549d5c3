import { decryptSecret } from '../encrypt.js';
import type { AccountRowId, ChannelInstanceKey, ChannelInstanceRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type ChannelInstance, channelSecretContext, toChannelInstance } from './channel-instance.js';

/** Finds a channel instance by row id or by its public key. */
export async function findChannelInstance(
  db: Executor,
  by: { readonly id: ChannelInstanceRowId } | { readonly key: ChannelInstanceKey },
): Promise<ChannelInstance | undefined> {
  const query = db.selectFrom('channel_instances').selectAll();
  const row = await ('id' in by ? query.where('id', '=', by.id) : query.where('key', '=', by.key)).executeTakeFirst();
  return row && toChannelInstance(row);
}

/** Lists channel instances in id order, optionally of one account or kind. */
export async function listChannelInstances(
  db: Executor,
  filter: { readonly accountId?: AccountRowId | undefined; readonly kind?: string | undefined } = {},
): Promise<ChannelInstance[]> {
  let query = db.selectFrom('channel_instances').selectAll().orderBy('id');
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  return (await query.execute()).map(toChannelInstance);
}

/** Decrypts a channel instance's secret; `undefined` when it has none. Throws if the stored envelope was altered. */
export async function readChannelInstanceSecret(
  db: Executor,
  input: { readonly key: ChannelInstanceKey; readonly encryptionKey: Uint8Array },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('channel_instances')
    .select('secret_enc')
    .where('key', '=', input.key)
    .executeTakeFirst();
  if (!row?.secret_enc) return undefined;
  return decryptSecret(row.secret_enc, { key: input.encryptionKey, context: channelSecretContext(input.key) });
}
