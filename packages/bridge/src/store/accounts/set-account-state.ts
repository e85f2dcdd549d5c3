import type { AccountRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Account, toAccount } from './account.js';

/** Marks an account connected or disconnected (disconnect keeps its history); `undefined` when unknown. */
export async function setAccountState(
  db: Executor,
  input: { readonly accountId: AccountRowId; readonly state: 'connected' | 'disconnected'; readonly now?: number },
): Promise<Account | undefined> {
  const now = input.now ?? Date.now();
  const row = await db
    .updateTable('accounts')
    .set({
      state: input.state,
      updated_at: now,
      ...(input.state === 'connected' ? { connected_at: now } : { disconnected_at: now }),
    })
    .where('id', '=', input.accountId)
    .returningAll()
    .executeTakeFirst();
  return row && toAccount(row);
}
