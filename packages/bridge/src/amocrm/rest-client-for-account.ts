import { AmocrmClient, type TokenStore } from '@amojo-bridge/sdk';
import { type Account, findAccount, readAccountTokens } from '../store/accounts/index.js';
import type { AccountRowId } from '../store/ids.js';
import type { RestClientDeps } from './amocrm-deps.js';
import { serialiseTokenRefreshes } from './serialise-token-refreshes.js';

/** Access tokens are refreshed when they expire within this long (and by the refresh schedule before that). */
export const REFRESH_BEFORE_EXPIRY_MS = 10 * 60_000;

/**
 * An authorised amoCRM REST client (`AmocrmClient` of the SDK) for one account, or `null` when the bridge holds no
 * working tokens for it: no amoCRM integration configured, the account was connected by hand, it needs a
 * re-install (`oauth_state` `needs_reinstall`) or the integration was disabled (`revoked`). Tokens are read from
 * the database (decrypted) at each call and refreshed before expiry; every refresh is serialised across processes
 * and saved before use (`serialise-token-refreshes.ts`), so any number of clients and processes may call this.
 *
 * @example
 * const crm = await restClientForAccount(deps, account);
 * if (crm) for await (const user of crm.iterateUsers()) console.log(user.amojo_id);
 */
export async function restClientForAccount(
  deps: RestClientDeps,
  accountOrRowId: Account | AccountRowId,
): Promise<AmocrmClient | null> {
  const amocrm = deps.config.amocrm;
  if (!amocrm) return null;
  const account =
    typeof accountOrRowId === 'number' ? await findAccount(deps.store.db, { id: accountOrRowId }) : accountOrRowId;
  if (!account?.hasTokens || account.oauthState !== 'ok') return null;
  const baseUrl = amocrm.baseUrlOverride ?? account.amocrmBaseUrl;
  if (!baseUrl) return null;
  return new AmocrmClient({
    baseUrl,
    clientId: amocrm.clientId,
    clientSecret: amocrm.clientSecret,
    redirectUri: amocrm.redirectUri,
    tokenStore: accountTokenStore(deps, account.id),
    accountKey: `account-${account.id}`,
    refreshBeforeExpiryMs: REFRESH_BEFORE_EXPIRY_MS,
    fetch: serialiseTokenRefreshes(deps, account.id, deps.fetch ?? ((input, init) => fetch(input, init))),
    log: deps.log,
    now: deps.now,
  });
}

function accountTokenStore(deps: RestClientDeps, accountRowId: AccountRowId): TokenStore {
  return {
    async get() {
      const tokens = await readAccountTokens(deps.store.db, {
        accountId: accountRowId,
        encryptionKey: deps.config.encryptionKey,
      });
      return tokens && { ...tokens, tokenType: 'Bearer' };
    },
    // Every new pair is already saved by the refresh wrapper inside the lock. Writing it again here, after the
    // lock is gone, could put back a pair another process has rotated since (and kill the account's tokens).
    set() {},
  };
}
