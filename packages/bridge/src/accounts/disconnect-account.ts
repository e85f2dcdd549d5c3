import { BridgeError } from '../errors.js';
import type { Account } from '../store/accounts/index.js';
import { findAccount, setAccountState } from '../store/accounts/index.js';
import type { AmojoAccountId } from '../store/ids.js';
import type { AccountDeps } from './account-deps.js';

/** Input of {@link disconnectAccount}. */
export interface DisconnectAccountInput {
  /** The account's amojo_id. */
  readonly accountId: AmojoAccountId;
}

/**
 * Disconnects the channel from an amoCRM account (spec 3.2): amojo stops sending its hooks. The stored account is
 * kept with state `disconnected` (its conversations stay readable). An account this bridge never stored is refused
 * with a `BridgeError` (`account_unknown`) before amojo is called: disconnecting another deployment's account by a
 * typo would silence its hooks.
 */
export async function disconnectAccount(deps: AccountDeps, input: DisconnectAccountInput): Promise<Account> {
  const known = await findAccount(deps.store.db, {
    channelId: deps.config.channel.id,
    amojoAccountId: input.accountId,
  });
  if (!known) {
    throw new BridgeError(
      'account_unknown',
      `Account ${input.accountId} is not stored by this bridge: connect it first or check the amojo id`,
    );
  }
  await deps.amojo.disconnect({ accountId: input.accountId });
  const account = await setAccountState(deps.store.db, {
    accountId: known.id,
    state: 'disconnected',
    now: (deps.now?.() ?? new Date()).getTime(),
  });
  deps.log?.info(
    { event: 'account_disconnected', accountId: known.id, scopeId: known.scopeId },
    'account disconnected',
  );
  return account ?? known;
}
