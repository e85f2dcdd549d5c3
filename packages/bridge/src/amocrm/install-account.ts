import { AmocrmClient, AmojoApiError, AmojoError, type InstallRedirect, MemoryTokenStore } from '@amojo-bridge/sdk';
import { connectAccount } from '../accounts/connect-account.js';
import { BridgeError } from '../errors.js';
import { type Account, saveAccountTokens, setAccountOAuth } from '../store/accounts/index.js';
import { asAmojoAccountId } from '../store/ids.js';
import type { AmocrmDeps } from './amocrm-deps.js';
import { describeOAuthRefusal } from './describe-oauth-refusal.js';
import { type SourceSyncResult, syncAccountSources } from './sync-sources.js';

// The hosts amoCRM sends installs from (spec 4.7): the client secret is only ever sent to one of them.
const AMOCRM_HOST = /^[a-z0-9][a-z0-9-]*\.(amocrm\.(ru|com)|kommo\.com)$/;

/** What an install achieved; `step` names where it stopped when it failed. */
export type InstallOutcome =
  | { readonly ok: true; readonly account: Account; readonly sources: SourceSyncResult }
  | {
      readonly ok: false;
      readonly step: 'referer' | 'code_exchange' | 'account' | 'connect' | 'save';
      /** For the person: what went wrong and what to do. Never a token or secret. */
      readonly message: string;
      readonly account?: Account;
    };

/**
 * The self-service install (guide: "Разработка тиражируемого решения"): exchanges the redirect's code, reads the
 * account (`GET /api/v4/account?with=amojo_id`), connects the channel (idempotent; the docs require it again after
 * every re-install), stores the token pair encrypted with the account's numeric id and REST host, and syncs the
 * sources. The access token is used once (the account read) before it is saved: the row that holds the tokens is
 * keyed by the scope, which only `connect` with the amojo id yields; the refresh token is never used before saving.
 */
export async function installAccount(deps: AmocrmDeps, redirect: InstallRedirect): Promise<InstallOutcome> {
  const amocrm = deps.config.amocrm;
  if (!amocrm) throw new BridgeError('amocrm_not_configured', 'AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET are not set');
  const referer = redirect.referer.trim().toLowerCase();
  if (!amocrm.baseUrlOverride && !AMOCRM_HOST.test(referer)) {
    return {
      ok: false,
      step: 'referer',
      message: `The install came from "${referer.slice(0, 100)}", which is not an amoCRM or Kommo account address. Start the installation from your amoCRM account.`,
    };
  }
  const baseUrl = amocrm.baseUrlOverride ?? `https://${referer}`;
  const pending = new MemoryTokenStore();
  const crm = new AmocrmClient({
    baseUrl,
    clientId: amocrm.clientId,
    clientSecret: amocrm.clientSecret,
    redirectUri: amocrm.redirectUri,
    tokenStore: pending,
    accountKey: referer,
    log: deps.log,
    now: deps.now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  let tokens: Awaited<ReturnType<AmocrmClient['exchangeCode']>>;
  try {
    tokens = await crm.exchangeCode(redirect.code);
  } catch (error) {
    const why =
      error instanceof AmojoApiError ? describeOAuthRefusal(error.status, JSON.stringify(error.body)) : reasonOf(error);
    deps.log.warn({ event: 'amocrm_install_failed', step: 'code_exchange', referer, why }, 'install failed');
    return {
      ok: false,
      step: 'code_exchange',
      message: `amoCRM did not accept the authorisation code (${why}). Codes are single-use and valid for 20 minutes: install the integration again from amoCRM.`,
    };
  }
  let remote: Awaited<ReturnType<AmocrmClient['getAccount']>>;
  try {
    remote = await crm.getAccount({ with: ['amojo_id'] });
  } catch (error) {
    deps.log.warn({ event: 'amocrm_install_failed', step: 'account', referer, why: reasonOf(error) }, 'install failed');
    return {
      ok: false,
      step: 'account',
      message: `The account could not be read from amoCRM (${reasonOf(error)}). Try the installation again in a few minutes.`,
    };
  }
  let account: Account;
  try {
    account = await connectAccount(deps, { accountId: asAmojoAccountId(remote.amojo_id) });
  } catch (error) {
    deps.log.warn({ event: 'amocrm_install_failed', step: 'connect', why: reasonOf(error) }, 'install failed');
    return {
      ok: false,
      step: 'connect',
      message: `amoCRM's chat service refused to connect the channel to account ${remote.subdomain} (${reasonOf(error)}). Check that the channel is allowed for this account, then install again.`,
    };
  }
  const now = deps.now().getTime();
  try {
    account = await deps.store.transaction(async (trx) => {
      await saveAccountTokens(trx, { accountId: account.id, tokens, encryptionKey: deps.config.encryptionKey, now });
      return (
        (await setAccountOAuth(trx, {
          accountId: account.id,
          oauthState: 'ok',
          oauthError: null,
          amocrmAccountId: remote.id,
          amocrmBaseUrl: baseUrl,
          subdomain: remote.subdomain,
          now,
        })) ?? account
      );
    });
  } catch (error) {
    deps.log.error({ event: 'amocrm_install_failed', step: 'save', why: reasonOf(error) }, 'install failed');
    return {
      ok: false,
      step: 'save',
      account,
      message: 'The bridge could not store the account tokens (database error). Install the integration again.',
    };
  }
  await claimUnattachedInstances(deps, account);
  deps.log.info(
    {
      event: 'amocrm_account_installed',
      accountId: account.id,
      amocrmAccountId: remote.id,
      subdomain: remote.subdomain,
    },
    'amoCRM account installed',
  );
  let sources: SourceSyncResult;
  try {
    sources = await syncAccountSources(deps, account);
  } catch (error) {
    sources = { created: [], renamed: [], deleted: [], defaultExternalId: null, problems: [reasonOf(error)] };
  }
  return { ok: true, account, sources };
}

// A bridge serving one account (the common self-hosted case) creates its channel instances before anyone installs:
// they belong to the first account that installs. With several accounts an instance is created for its account.
async function claimUnattachedInstances(deps: AmocrmDeps, account: Account): Promise<void> {
  const others = await deps.store.db
    .selectFrom('accounts')
    .select('id')
    .where('id', '!=', account.id)
    .limit(1)
    .executeTakeFirst();
  if (others) return;
  await deps.store.db
    .updateTable('channel_instances')
    .set({ account_id: account.id, updated_at: deps.now().getTime() })
    .where('account_id', 'is', null)
    .execute();
}

function reasonOf(error: unknown): string {
  if (error instanceof AmojoApiError) return `HTTP ${error.status}${error.description ? `: ${error.description}` : ''}`;
  if (error instanceof AmojoError || error instanceof Error) return error.message;
  return String(error);
}
