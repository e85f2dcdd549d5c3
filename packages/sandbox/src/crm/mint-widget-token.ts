import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** Options of {@link mintWidgetToken}; offsets let tests ask for expired, future or foreign tokens. */
export interface WidgetTokenInput {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accountId: number;
  readonly userId: number;
  readonly subdomain: string;
  /** The address the widget calls (amoCRM puts the request's base URL here). */
  readonly audience: string;
  readonly nowMs: number;
  /** Lifetime, default 60 s. */
  readonly ttlSeconds?: number;
  /** Shifts iat/nbf/exp, e.g. -3600 for an expired token, +600 for one from the future. */
  readonly shiftSeconds?: number;
}

/**
 * amoCRM's one-time widget token (`this.$authorizedAjax()` sends it in `X-Auth-Token`): a JWT signed HS256 with the
 * integration's secret, with `iss` (the account address), `aud`, `jti`, `iat`, `nbf`, `exp`, `account_id`,
 * `user_id` and `client_uuid`.
 */
export async function mintWidgetToken(input: WidgetTokenInput): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000) + (input.shiftSeconds ?? 0);
  return new SignJWT({ account_id: input.accountId, user_id: input.userId, client_uuid: input.clientId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`https://${input.subdomain}.amocrm.ru`)
    .setAudience(input.audience)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (input.ttlSeconds ?? 60))
    .sign(new TextEncoder().encode(input.clientSecret));
}
