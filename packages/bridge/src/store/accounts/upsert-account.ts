import type { AmojoAccountId, ScopeId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Account, toAccount } from './account.js';

/** Input of {@link upsertAccount}. Fields left undefined keep their stored value on update. */
export interface UpsertAccountInput {
  readonly scopeId: ScopeId;
  readonly amojoAccountId: AmojoAccountId;
  readonly channelId: string;
  readonly subdomain?: string | null | undefined;
  readonly title?: string | null | undefined;
  readonly hookApiVersion?: string | null | undefined;
  /** Default `connected`. */
  readonly state?: 'connected' | 'disconnected' | undefined;
  readonly now?: number | undefined;
}

/** Creates or updates the account of a scope (connect, reconnect, refresh of the title or subdomain). */
export async function upsertAccount(db: Executor, input: UpsertAccountInput): Promise<Account> {
  const now = input.now ?? Date.now();
  const state = input.state ?? 'connected';
  const stamps = state === 'connected' ? { connected_at: now } : { disconnected_at: now };
  const optional = {
    ...(input.subdomain !== undefined && { subdomain: input.subdomain }),
    ...(input.title !== undefined && { title: input.title }),
    ...(input.hookApiVersion !== undefined && { hook_api_version: input.hookApiVersion }),
  };
  const row = await db
    .insertInto('accounts')
    .values({
      scope_id: input.scopeId,
      amojo_account_id: input.amojoAccountId,
      channel_id: input.channelId,
      state,
      created_at: now,
      updated_at: now,
      ...stamps,
      ...optional,
    })
    .onConflict((oc) =>
      oc.column('scope_id').doUpdateSet({
        amojo_account_id: input.amojoAccountId,
        channel_id: input.channelId,
        state,
        updated_at: now,
        ...stamps,
        ...optional,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAccount(row);
}
