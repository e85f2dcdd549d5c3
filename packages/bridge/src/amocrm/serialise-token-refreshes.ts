import { type Fetch, readResponseText } from '@amojo-bridge/sdk';
import { readAccountTokens, readTokensSavedAt, saveAccountTokens, setAccountOAuth } from '../store/accounts/index.js';
import type { AccountRowId } from '../store/ids.js';
import type { RestClientDeps } from './amocrm-deps.js';
import { describeOAuthRefusal } from './describe-oauth-refusal.js';
import { withAccountTokenLock } from './token-lock.js';

/** A pair saved this recently is not rotated again by a refresh request that carries it (see below). */
const JUST_ROTATED_MS = 30_000;
// A token answer is a few hundred bytes; a longer one is not read past this (the SDK then reports it too large).
const TOKEN_ANSWER_LIMIT_BYTES = 1024 * 1024;

/**
 * Wraps `fetch` so every refresh-token request of one account runs under the account's token lock (see
 * `token-lock.ts`) and its answer is saved, encrypted, before the lock is released. Refresh tokens are single-use
 * (spec 5.1): without this, two processes that both see an expiring token both refresh, the second with a dead
 * token, and the account is locked out. Inside the lock:
 * - the stored refresh token already differs from the one in the request and the stored access token is fresh, or
 *   the stored pair was saved less than 30 s ago: another holder refreshed meanwhile; its pair is answered as if
 *   amoCRM had sent it, and no request is made;
 * - amoCRM answers a pair: it is saved and the account's `oauth_state` is `ok`;
 * - amoCRM refuses (400/401: used, expired or revoked refresh token): the account becomes `needs_reinstall`, which
 *   stops every later REST call for it (`restClientForAccount` answers null) instead of retrying for ever;
 * - anything else (network, 5xx) is passed through untouched: the next attempt may succeed.
 */
export function serialiseTokenRefreshes(deps: RestClientDeps, accountRowId: AccountRowId, fetchImpl: Fetch): Fetch {
  return async (input, init) => {
    const refreshToken = refreshTokenOf(input, init);
    if (refreshToken === undefined) return fetchImpl(input, init);
    return withAccountTokenLock(deps.store, accountRowId, async () => {
      const key = deps.config.encryptionKey;
      const stored = await readAccountTokens(deps.store.db, { accountId: accountRowId, encryptionKey: key });
      const nowMs = deps.now().getTime();
      const fresh = stored !== undefined && stored.expiresAt - nowMs > 60_000;
      // The SDK reads the pair twice before it refreshes (is it stale? then: which refresh token?); a holder may
      // rotate it in between, so a request can carry the NEW refresh token right after a rotation. Rotating again
      // then is pointless (the pair is seconds old) and would race other readers: answer the stored pair.
      const savedAt = fresh ? await readTokensSavedAt(deps.store.db, { accountId: accountRowId }) : undefined;
      const justRotated = savedAt !== undefined && nowMs - savedAt < JUST_ROTATED_MS;
      if (stored && fresh && (stored.refreshToken !== refreshToken || justRotated)) {
        deps.log.debug({ event: 'amocrm_refresh_skipped', accountId: accountRowId }, 'another holder refreshed');
        return tokenResponse(stored, nowMs);
      }
      const response = await fetchImpl(input, init);
      const text = await readResponseText(response, TOKEN_ANSWER_LIMIT_BYTES);
      const copy = new Response(text, { status: response.status, headers: response.headers });
      if (response.ok) {
        const pair = parsePair(text, nowMs);
        if (pair) {
          await saveAccountTokens(deps.store.db, {
            accountId: accountRowId,
            tokens: pair,
            encryptionKey: key,
            now: nowMs,
          });
          await setAccountOAuth(deps.store.db, {
            accountId: accountRowId,
            oauthState: 'ok',
            oauthError: null,
            now: nowMs,
          });
          deps.log.info(
            { event: 'amocrm_tokens_refreshed', accountId: accountRowId, expiresAt: pair.expiresAt },
            'amoCRM tokens refreshed',
          );
        }
      } else if (response.status === 400 || response.status === 401) {
        const reason = `amoCRM refused the token refresh (${describeOAuthRefusal(response.status, text)}): install the integration again in the account`;
        await setAccountOAuth(deps.store.db, {
          accountId: accountRowId,
          oauthState: 'needs_reinstall',
          oauthError: reason,
          now: nowMs,
        });
        deps.log.warn({ event: 'amocrm_account_needs_reinstall', accountId: accountRowId, reason }, reason);
      }
      return copy;
    });
  };
}

function refreshTokenOf(input: string, init: RequestInit): string | undefined {
  if ((init.method ?? 'GET').toUpperCase() !== 'POST' || !new URL(input).pathname.endsWith('/oauth2/access_token')) {
    return undefined;
  }
  if (typeof init.body !== 'string') return undefined;
  try {
    const body = JSON.parse(init.body) as { grant_type?: unknown; refresh_token?: unknown };
    return body.grant_type === 'refresh_token' && typeof body.refresh_token === 'string'
      ? body.refresh_token
      : undefined;
  } catch {
    return undefined;
  }
}

function parsePair(text: string, nowMs: number) {
  try {
    const body = JSON.parse(text) as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };
    if (
      typeof body.access_token !== 'string' ||
      typeof body.refresh_token !== 'string' ||
      typeof body.expires_in !== 'number'
    ) {
      return undefined;
    }
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: nowMs + body.expires_in * 1000,
    };
  } catch {
    return undefined;
  }
}

function tokenResponse(tokens: { accessToken: string; refreshToken: string; expiresAt: number }, nowMs: number) {
  const body = {
    token_type: 'Bearer',
    expires_in: Math.floor((tokens.expiresAt - nowMs) / 1000),
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
  };
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}
