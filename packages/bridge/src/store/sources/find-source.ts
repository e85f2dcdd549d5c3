import type { AccountRowId, ChannelInstanceRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Source, toSource } from './source.js';

/** Finds an account's source by external id, or its default source with `{ accountId, isDefault: true }`. */
export async function findSource(
  db: Executor,
  by:
    | { readonly id: number }
    | { readonly accountId: AccountRowId; readonly externalId: string }
    | { readonly accountId: AccountRowId; readonly isDefault: true },
): Promise<Source | undefined> {
  let query = db.selectFrom('sources').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('externalId' in by)
    query = query.where('account_id', '=', by.accountId).where('external_id', '=', by.externalId);
  else query = query.where('account_id', '=', by.accountId).where('is_default', '=', 1);
  const row = await query.executeTakeFirst();
  return row && toSource(row);
}

/** Lists the sources of an account, or of a channel instance, in id order. */
export async function listSources(
  db: Executor,
  filter: {
    readonly accountId?: AccountRowId | undefined;
    readonly channelInstanceId?: ChannelInstanceRowId | undefined;
  },
): Promise<Source[]> {
  let query = db.selectFrom('sources').selectAll().orderBy('id');
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.channelInstanceId !== undefined) query = query.where('channel_instance_id', '=', filter.channelInstanceId);
  return (await query.execute()).map(toSource);
}

/** Deletes a source (after it was deleted in amoCRM); returns whether it existed. */
export async function deleteSource(db: Executor, input: { readonly id: number }): Promise<boolean> {
  const result = await db.deleteFrom('sources').where('id', '=', input.id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
