import { mintAccessToken, mintAuthorizationCode, mintRefreshToken } from './mint-token.js';

/** Authorization code lifetime (spec 4.7, 5.1). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 20 * 60;

/** Who a token or code was issued to. */
export interface OAuthGrant {
  readonly accountAmojoId: string;
  readonly accountId: number;
  readonly clientId: string;
  readonly userId: number;
}

interface CodeRecord extends OAuthGrant {
  readonly redirectUri: string;
  readonly expiresAt: number;
  used: boolean;
}

interface TokenRecord extends OAuthGrant {
  readonly expiresAt: number;
  revoked: boolean;
}

interface RefreshRecord extends TokenRecord {
  used: boolean;
}

/** A freshly issued token pair. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly serverTime: number;
}

/** Why an access token was refused; the text goes into the 401 `detail` and never contains the token. */
export type AccessCheck =
  | { readonly ok: true; readonly grant: OAuthGrant }
  | { readonly ok: false; readonly detail: string };

/** Result of a token grant: a pair, or the reason it was refused (goes into a 400 `detail`). */
export type GrantResult =
  | { readonly ok: true; readonly tokens: TokenPair }
  | { readonly ok: false; readonly detail: string };

/** Options of {@link OAuthStore}. */
export interface OAuthStoreOptions {
  readonly nowMs: () => number;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
}

/** Every code and token of an {@link OAuthStore}, as plain JSON (for the sandbox's state file). */
export interface OAuthStoreData {
  readonly codes: readonly (readonly [
    string,
    OAuthGrant & { redirectUri: string; expiresAt: number; used: boolean },
  ])[];
  readonly access: readonly (readonly [string, OAuthGrant & { expiresAt: number; revoked: boolean }])[];
  readonly refresh: readonly (readonly [string, OAuthGrant & { expiresAt: number; revoked: boolean; used: boolean }])[];
}

/** Authorization codes, access tokens and single-use refresh tokens of every installation. */
export class OAuthStore {
  readonly #codes = new Map<string, CodeRecord>();
  readonly #access = new Map<string, TokenRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #options: OAuthStoreOptions;

  constructor(options: OAuthStoreOptions) {
    this.#options = options;
  }

  /** Mints an authorization code valid 20 minutes, bound to the account, integration and redirect URI. */
  mintCode(grant: OAuthGrant, redirectUri: string): string {
    const code = mintAuthorizationCode();
    const expiresAt = this.#options.nowMs() + AUTHORIZATION_CODE_TTL_SECONDS * 1000;
    this.#codes.set(code, { ...grant, redirectUri, expiresAt, used: false });
    return code;
  }

  /** Exchanges a code (single use) for a token pair. */
  exchangeCode(input: { clientId: string; code: string; redirectUri: string; apiDomain: string }): GrantResult {
    const record = this.#codes.get(input.code);
    if (!record || record.clientId !== input.clientId) {
      return { ok: false, detail: 'code is unknown for this client_id' };
    }
    if (record.used) return { ok: false, detail: 'code has already been used (authorization codes are single use)' };
    if (this.#options.nowMs() >= record.expiresAt) return { ok: false, detail: 'code has expired (valid 20 minutes)' };
    if (record.redirectUri !== input.redirectUri) {
      return { ok: false, detail: 'redirect_uri does not match the redirect URI the code was issued for' };
    }
    record.used = true;
    return { ok: true, tokens: this.#issue(record, input.apiDomain) };
  }

  /** Rotates a refresh token: returns a new pair and kills the old refresh token. */
  refresh(input: { clientId: string; refreshToken: string; apiDomain: string }): GrantResult {
    const record = this.#refresh.get(input.refreshToken);
    if (!record || record.clientId !== input.clientId) {
      return { ok: false, detail: 'refresh_token is unknown for this client_id' };
    }
    if (record.revoked) return { ok: false, detail: 'refresh_token has been revoked (integration disabled)' };
    if (record.used)
      return { ok: false, detail: 'refresh_token has already been used (refresh tokens are single use)' };
    if (this.#options.nowMs() >= record.expiresAt) return { ok: false, detail: 'refresh_token has expired' };
    record.used = true;
    return { ok: true, tokens: this.#issue(record, input.apiDomain) };
  }

  /** Checks a Bearer access token. */
  checkAccessToken(token: string): AccessCheck {
    const record = this.#access.get(token);
    if (!record) return { ok: false, detail: 'Access token is unknown' };
    if (record.revoked) return { ok: false, detail: 'Access token has been revoked' };
    if (this.#options.nowMs() >= record.expiresAt) return { ok: false, detail: 'Access token has expired' };
    return { ok: true, grant: record };
  }

  /** The grant behind a still usable refresh token (for `/oauth2/account/current/subdomain`). */
  checkRefreshToken(token: string): OAuthGrant | undefined {
    const record = this.#refresh.get(token);
    if (!record || record.revoked || record.used || this.#options.nowMs() >= record.expiresAt) return undefined;
    return record;
  }

  /** Revokes every token of one installation; returns how many access and refresh tokens were still live. */
  revoke(accountAmojoId: string, clientId: string): number {
    let count = 0;
    for (const map of [this.#access, this.#refresh]) {
      for (const record of map.values()) {
        if (record.accountAmojoId === accountAmojoId && record.clientId === clientId && !record.revoked) {
          record.revoked = true;
          count++;
        }
      }
    }
    for (const record of this.#codes.values()) {
      if (record.accountAmojoId === accountAmojoId && record.clientId === clientId) record.used = true;
    }
    return count;
  }

  /** Every code and token, for persisting. */
  exportData(): OAuthStoreData {
    const copy = <T extends object>(map: Map<string, T>) => [...map].map(([k, v]) => [k, { ...v }] as const);
    return { codes: copy(this.#codes), access: copy(this.#access), refresh: copy(this.#refresh) };
  }

  /** Replaces every code and token with persisted ones. */
  importData(data: OAuthStoreData): void {
    for (const [map, entries] of [
      [this.#codes, data.codes],
      [this.#access, data.access],
      [this.#refresh, data.refresh],
    ] as const) {
      map.clear();
      for (const [k, v] of entries) (map as Map<string, object>).set(k, { ...v });
    }
  }

  #issue(grant: OAuthGrant, apiDomain: string): TokenPair {
    const now = this.#options.nowMs();
    const serverTime = Math.floor(now / 1000);
    const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = this.#options;
    const base: OAuthGrant = {
      accountAmojoId: grant.accountAmojoId,
      accountId: grant.accountId,
      clientId: grant.clientId,
      userId: grant.userId,
    };
    const accessToken = mintAccessToken({
      clientId: grant.clientId,
      accountId: grant.accountId,
      userId: grant.userId,
      apiDomain,
      issuedAt: serverTime,
      expiresAt: serverTime + accessTokenTtlSeconds,
    });
    const refreshToken = mintRefreshToken();
    this.#access.set(accessToken, { ...base, expiresAt: now + accessTokenTtlSeconds * 1000, revoked: false });
    this.#refresh.set(refreshToken, {
      ...base,
      expiresAt: now + refreshTokenTtlSeconds * 1000,
      revoked: false,
      used: false,
    });
    return { accessToken, refreshToken, expiresIn: accessTokenTtlSeconds, serverTime };
  }
}
