import type { Account } from '../store/accounts/index.js';
import { upsertAccount } from '../store/accounts/index.js';
import { type AmojoAccountId, asScopeId } from '../store/ids.js';
import type { AccountDeps } from './account-deps.js';

/** Input of {@link connectAccount}. */
export interface ConnectAccountInput {
  /** The account's amojo_id (UUID from `GET /api/v4/account?with=amojo_id`). */
  readonly accountId: AmojoAccountId;
  /** Name of the channel shown in the account; amojo defaults it to the channel name. */
  readonly title?: string | undefined;
}

/**
 * Connects the channel to an amoCRM account (spec 3.1) and stores the account with its scope, state `connected`.
 * Idempotent: connecting again returns the same scope and refreshes the stored title.
 *
 * @example
 * const account = await connectAccount(deps, { accountId: asAmojoAccountId('52e591f7-c98f-4255-8495-827210138c81') });
 * // account.scopeId is the `:scope_id` of the hook URL to register
 */
export async function connectAccount(deps: AccountDeps, input: ConnectAccountInput): Promise<Account> {
  // Always v2: v1 hooks are deprecated and the intake only parses v2 (spec 3.1, 4.6).
  const connected = await deps.amojo.connect({
    accountId: input.accountId,
    hookApiVersion: 'v2',
    ...(input.title !== undefined ? { title: input.title } : {}),
  });
  const account = await upsertAccount(deps.store.db, {
    scopeId: asScopeId(connected.scopeId),
    amojoAccountId: input.accountId,
    channelId: deps.config.channel.id,
    title: connected.title,
    hookApiVersion: connected.hookApiVersion,
    state: 'connected',
    now: (deps.now?.() ?? new Date()).getTime(),
  });
  deps.log?.info({ event: 'account_connected', accountId: account.id, scopeId: account.scopeId }, 'account connected');
  return account;
}
