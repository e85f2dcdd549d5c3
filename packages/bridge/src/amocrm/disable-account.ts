import { parseDisabledHook, verifyDisabledHook } from '@amojo-bridge/sdk';
import { clearAccountTokens, findAccount, setAccountOAuth, setAccountState } from '../store/accounts/index.js';
import type { AmocrmDeps } from './amocrm-deps.js';

/** Outcome of the "integration disabled" hook, as an HTTP status and a short reason. */
export interface DisabledHookOutcome {
  readonly status: 200 | 400 | 401 | 404;
  readonly reason: string;
}

/**
 * Handles amoCRM's "integration disabled" GET hook (spec 4.7): checks `client_uuid` is our integration and the
 * HMAC-SHA256 signature (SDK, constant time), then disconnects the channel from the account (amojo stops its
 * hooks), forgets its tokens (amoCRM already revoked them) and marks it `revoked`. A failing amojo disconnect is
 * logged and the account is still marked: the integration is gone in amoCRM either way. Repeats answer 200.
 */
export async function handleDisabledHook(deps: AmocrmDeps, query: URLSearchParams): Promise<DisabledHookOutcome> {
  const amocrm = deps.config.amocrm;
  if (!amocrm) return { status: 404, reason: 'no amoCRM integration is configured' };
  let hook: ReturnType<typeof parseDisabledHook>;
  try {
    hook = parseDisabledHook(query);
  } catch (error) {
    return { status: 400, reason: (error as Error).message };
  }
  if (hook.clientUuid !== amocrm.clientId) return { status: 401, reason: 'client_uuid is not this integration' };
  if (!verifyDisabledHook({ ...hook, clientSecret: amocrm.clientSecret })) {
    return { status: 401, reason: 'signature does not match HMAC-SHA256("{client_uuid}|{account_id}")' };
  }
  const amocrmAccountId = Number(hook.accountId);
  if (!Number.isSafeInteger(amocrmAccountId)) return { status: 400, reason: 'account_id is not an integer' };
  const account = await findAccount(deps.store.db, { channelId: deps.config.channel.id, amocrmAccountId });
  if (!account) return { status: 404, reason: `account ${amocrmAccountId} never installed this integration here` };
  if (account.state === 'connected') {
    try {
      await deps.amojo.disconnect({ accountId: account.amojoAccountId });
    } catch (error) {
      deps.log.warn(
        { event: 'amocrm_disable_disconnect_failed', accountId: account.id, err: (error as Error).message },
        'amojo disconnect failed; the account is marked disabled anyway',
      );
    }
  }
  const now = deps.now().getTime();
  await deps.store.transaction(async (trx) => {
    await clearAccountTokens(trx, { accountId: account.id, now });
    await setAccountState(trx, { accountId: account.id, state: 'disconnected', now });
    await setAccountOAuth(trx, {
      accountId: account.id,
      oauthState: 'revoked',
      oauthError: 'the integration was disabled in amoCRM: install it again to reconnect',
      now,
    });
  });
  deps.log.info(
    { event: 'amocrm_integration_disabled', accountId: account.id, amocrmAccountId },
    'integration disabled in amoCRM: account disconnected',
  );
  return { status: 200, reason: 'disconnected' };
}
