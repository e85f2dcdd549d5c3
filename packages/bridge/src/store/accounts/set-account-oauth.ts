import type { OAuthState } from '../database.js';
import type { AccountRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Account, toAccount } from './account.js';

/** Input of {@link setAccountOAuth}; fields left undefined keep their stored value. */
export interface SetAccountOAuthInput {
  readonly accountId: AccountRowId;
  readonly oauthState: OAuthState;
  /** Why the tokens stopped working; `null` clears it. Never put token text here. */
  readonly oauthError?: string | null | undefined;
  readonly amocrmAccountId?: number | undefined;
  readonly amocrmBaseUrl?: string | undefined;
  readonly subdomain?: string | undefined;
  readonly now?: number | undefined;
}

/** Records the amoCRM side of an account: its OAuth state and where its tokens belong; `undefined` when unknown. */
export async function setAccountOAuth(db: Executor, input: SetAccountOAuthInput): Promise<Account | undefined> {
  const row = await db
    .updateTable('accounts')
    .set({
      oauth_state: input.oauthState,
      updated_at: input.now ?? Date.now(),
      ...(input.oauthError !== undefined && { oauth_error: input.oauthError }),
      ...(input.amocrmAccountId !== undefined && { amocrm_account_id: input.amocrmAccountId }),
      ...(input.amocrmBaseUrl !== undefined && { amocrm_base_url: input.amocrmBaseUrl }),
      ...(input.subdomain !== undefined && { subdomain: input.subdomain }),
    })
    .where('id', '=', input.accountId)
    .returningAll()
    .executeTakeFirst();
  return row && toAccount(row);
}
