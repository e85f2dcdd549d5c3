import { errors, jwtVerify } from 'jose';
import type { AmocrmDeps } from './amocrm-deps.js';

/** The claims of amoCRM's one-time widget token (`$authorizedAjax`, `X-Auth-Token`) the bridge relies on. */
export interface WidgetTokenClaims {
  readonly iss: string;
  readonly jti: string;
  readonly accountId: number;
  readonly userId: number;
  readonly clientUuid: string;
}

/** A verification result: the claims, or why the token is refused (always answered 401). */
export type WidgetTokenResult =
  | { readonly ok: true; readonly claims: WidgetTokenClaims }
  | { readonly ok: false; readonly reason: string };

const REQUIRED = ['iss', 'aud', 'jti', 'iat', 'nbf', 'exp', 'account_id', 'user_id', 'client_uuid'];

/**
 * Verifies amoCRM's one-time widget token with jose: HS256 keyed with the integration secret, every claim present,
 * `aud` = the bridge's public URL, `client_uuid` = our integration, within `nbf`..`exp` (no clock tolerance beyond
 * 5 s), `iat` not in the future, and a `jti` never accepted before by any process sharing the database (kept until
 * the token expires). Never throws for a bad token: the reason says what was wrong, without the token.
 */
export async function verifyWidgetToken(deps: AmocrmDeps, token: string | undefined): Promise<WidgetTokenResult> {
  const amocrm = deps.config.amocrm;
  if (!amocrm) return { ok: false, reason: 'no amoCRM integration is configured' };
  if (!token) return { ok: false, reason: 'X-Auth-Token header (the widget token of $authorizedAjax) is missing' };
  const publicUrl = deps.config.http.publicUrl;
  if (!publicUrl) return { ok: false, reason: 'PUBLIC_URL is not set: the token audience cannot be checked' };
  const nowMs = deps.now().getTime();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(amocrm.clientSecret), {
      algorithms: ['HS256'],
      audience: [publicUrl, `${publicUrl}/`],
      requiredClaims: REQUIRED,
      clockTolerance: 5,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    return { ok: false, reason: explain(error) };
  }
  if (typeof payload.iat === 'number' && payload.iat * 1000 > nowMs + 5000) {
    return { ok: false, reason: 'the token was issued in the future (iat): check the clocks' };
  }
  const accountId = Number(payload.account_id);
  const userId = Number(payload.user_id);
  if (!Number.isSafeInteger(accountId) || !Number.isSafeInteger(userId)) {
    return { ok: false, reason: 'account_id and user_id must be integers' };
  }
  if (payload.client_uuid !== amocrm.clientId) {
    return { ok: false, reason: 'the token was issued for another integration (client_uuid)' };
  }
  const jti = String(payload.jti);
  const inserted = await deps.store.db
    .insertInto('amocrm_widget_tokens')
    .values({ jti, expires_at: Number(payload.exp) * 1000 })
    .onConflict((oc) => oc.column('jti').doNothing())
    .executeTakeFirst();
  await deps.store.db
    .deleteFrom('amocrm_widget_tokens')
    .where('expires_at', '<', nowMs - 60_000)
    .execute();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    return { ok: false, reason: 'the token was already used (jti): widget tokens are single-use' };
  }
  return { ok: true, claims: { iss: String(payload.iss), jti, accountId, userId, clientUuid: amocrm.clientId } };
}

function explain(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf): check the clocks';
    if (error.claim === 'aud') return 'the token was issued for another address (aud is not this bridge)';
    return `the token claim ${error.claim} is missing or invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'the token signature does not match the integration secret';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token must be signed with HS256';
  return 'the token is not a valid JWT';
}
