import type { Account } from '../store/accounts/index.js';
import { findAccount, setAccountState } from '../store/accounts/index.js';
import type { AccountDeps } from './account-deps.js';

/** Input of {@link disconnectAccount}. */
export interface DisconnectAccountInput {
  /** The account's amojo_id. */
  readonly accountId: string;
}

/**
 * Disconnects the channel from an amoCRM account (spec 3.2): amojo stops sending its hooks. The stored account is
 * kept with state `disconnected` (its conversations stay readable); resolves `undefined` when the bridge never
 * stored that account, after amojo has still been told to disconnect it.
 */
export async function disconnectAccount(
  deps: AccountDeps,
  input: DisconnectAccountInput,
): Promise<Account | undefined> {
  await deps.amojo.disconnect({ accountId: input.accountId });
  const known = await findAccount(deps.store.db, {
    channelId: deps.config.channel.id,
    amojoAccountId: input.accountId,
  });
  if (!known) {
    deps.log?.warn({ event: 'account_disconnected_unknown', amojoAccountId: input.accountId }, 'account not stored');
    return undefined;
  }
  const account = await setAccountState(deps.store.db, {
    accountId: known.id,
    state: 'disconnected',
    now: (deps.now?.() ?? new Date()).getTime(),
  });
  deps.log?.info(
    { event: 'account_disconnected', accountId: known.id, scopeId: known.scopeId },
    'account disconnected',
  );
  return account;
}
