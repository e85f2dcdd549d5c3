import { randomBytes, randomUUID } from 'node:crypto';

/** Claims put into the JWT-shaped access token, as amoCRM's tokens carry them. */
export interface AccessTokenClaims {
  readonly clientId: string;
  readonly accountId: number;
  readonly userId: number;
  readonly apiDomain: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Builds a JWT-shaped access token. The signature part is random, not a real RS256 signature: integrations must treat
 * the token as opaque, and the only claim they may read (`api_domain`, spec 5) is in the payload.
 */
export function mintAccessToken(claims: AccessTokenClaims): string {
  const header = { typ: 'JWT', alg: 'RS256', jti: randomUUID() };
  const payload = {
    aud: claims.clientId,
    jti: randomUUID(),
    iat: claims.issuedAt,
    nbf: claims.issuedAt,
    exp: claims.expiresAt,
    sub: String(claims.userId),
    grant_type: '',
    account_id: claims.accountId,
    base_domain: 'amocrm.ru',
    version: 2,
    scopes: ['crm', 'notifications'],
    hash_uuid: randomUUID(),
    api_domain: claims.apiDomain,
  };
  return `${base64url(header)}.${base64url(payload)}.${randomBytes(64).toString('base64url')}`;
}

/** An opaque random refresh token (amoCRM's are long opaque strings; store them in unbounded text columns). */
export function mintRefreshToken(): string {
  return `def50200${randomBytes(96).toString('hex')}`;
}

/** A random authorization code. */
export function mintAuthorizationCode(): string {
  return `def50200${randomBytes(48).toString('hex')}`;
}
