import type { AccountRowId, ChannelInstanceRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Source, toSource } from './source.js';

/** Input of {@link upsertSource}; fields left undefined keep their stored value on update. */
export interface UpsertSourceInput {
  readonly accountId: AccountRowId;
  readonly externalId: string;
  readonly channelInstanceId?: ChannelInstanceRowId | null | undefined;
  readonly name?: string | null | undefined;
  readonly amocrmSourceId?: number | null | undefined;
  /** `true` makes this the account's only default source (the previous default loses the flag). */
  readonly isDefault?: boolean | undefined;
  readonly now?: number | undefined;
}

/** Creates or updates a source by (account, external id). Run it in a transaction when setting `isDefault`. */
export async function upsertSource(db: Executor, input: UpsertSourceInput): Promise<Source> {
  const now = input.now ?? Date.now();
  if (input.isDefault) {
    await db
      .updateTable('sources')
      .set({ is_default: 0, updated_at: now })
      .where('account_id', '=', input.accountId)
      .where('external_id', '!=', input.externalId)
      .where('is_default', '=', 1)
      .execute();
  }
  const optional = {
    ...(input.channelInstanceId !== undefined && { channel_instance_id: input.channelInstanceId }),
    ...(input.name !== undefined && { name: input.name }),
    ...(input.amocrmSourceId !== undefined && { amocrm_source_id: input.amocrmSourceId }),
    ...(input.isDefault !== undefined && { is_default: input.isDefault ? 1 : 0 }),
  };
  const row = await db
    .insertInto('sources')
    .values({
      account_id: input.accountId,
      external_id: input.externalId,
      created_at: now,
      updated_at: now,
      is_default: 0,
      ...optional,
    })
    .onConflict((oc) => oc.columns(['account_id', 'external_id']).doUpdateSet({ updated_at: now, ...optional }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSource(row);
}
