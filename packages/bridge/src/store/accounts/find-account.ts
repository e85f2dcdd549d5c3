import type { Selectable } from 'kysely';
import type { AccountsTable } from '../database.js';
import type { AccountRowId, AmojoAccountId, ScopeId } from '../ids.js';
import { runStatement, statement } from '../statement.js';
import type { Executor } from '../store.js';
import { type Account, toAccount } from './account.js';

/** How to find an account: by row id, by scope, or by channel and amojo account id. */
export type FindAccountBy =
  | { readonly id: AccountRowId }
  | { readonly scopeId: ScopeId }
  | { readonly channelId: string; readonly amojoAccountId: AmojoAccountId }
  | { readonly channelId: string; readonly amocrmAccountId: number };

/** Finds one account, connected or not; `undefined` when unknown. */
export async function findAccount(db: Executor, by: FindAccountBy): Promise<Account | undefined> {
  let query = db.selectFrom('accounts').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('scopeId' in by) query = query.where('scope_id', '=', by.scopeId);
  else if ('amocrmAccountId' in by)
    query = query.where('channel_id', '=', by.channelId).where('amocrm_account_id', '=', by.amocrmAccountId);
  else query = query.where('channel_id', '=', by.channelId).where('amojo_account_id', '=', by.amojoAccountId);
  const row = await query.executeTakeFirst();
  return row && toAccount(row);
}

/** Finds the account of a hook's `scope_id` (the intake's first lookup). */
export async function findAccountByScope(db: Executor, scopeId: ScopeId): Promise<Account | undefined> {
  // Precompiled: the intake asks this for every hook.
  const row = (await runStatement<Selectable<AccountsTable>>(db, BY_SCOPE, [scopeId])).rows[0];
  return row && toAccount(row);
}

const BY_SCOPE = statement('select * from accounts where scope_id = ?');

/** Lists accounts in id order, optionally only those in one state. */
export async function listAccounts(
  db: Executor,
  options: { readonly state?: 'connected' | 'disconnected' | undefined } = {},
): Promise<Account[]> {
  let query = db.selectFrom('accounts').selectAll().orderBy('id');
  if (options.state) query = query.where('state', '=', options.state);
  return (await query.execute()).map(toAccount);
}
