import { AmojoInputError } from '../errors/amojo-error.js';
import type { TokenSet } from '../types/rest.js';
import { withKeyLock } from './key-mutex.js';
import { type ClientCredentials, requestTokens } from './request-tokens.js';
import type { RestContext } from './rest-context.js';
import type { TokenStore } from './token-store.js';

/** Construction options of {@link OAuthTokens} (internal). */
export interface OAuthTokensOptions {
  readonly ctx: RestContext;
  readonly credentials: ClientCredentials;
  readonly store: TokenStore;
  readonly accountKey: string;
  readonly refreshBeforeExpiryMs: number;
}

/**
 * One account's token pair: reads it from the store, refreshes it shortly before expiry, and serialises every
 * exchange and refresh of the account through a lock keyed by (store object, account key). Refresh tokens are
 * single-use (spec 5.1), so each refresh reads the newest pair inside the lock and saves the new pair before
 * anyone can use it.
 */
export class OAuthTokens {
  readonly #o: OAuthTokensOptions;
  /** Recent token values, kept only to redact them from error messages and logs. */
  readonly #recent: string[] = [];

  constructor(options: OAuthTokensOptions) {
    this.#o = options;
  }

  /** Exchanges an authorization code and saves the pair. */
  exchangeCode(code: string): Promise<TokenSet> {
    return this.#locked(async () => {
      const tokens = await requestTokens(this.#o.ctx, this.#o.credentials, { grant_type: 'authorization_code', code });
      await this.#save(tokens, 'tokens_obtained');
      return tokens;
    });
  }

  /** Refreshes now with the stored refresh token, whatever the access token's age. */
  refresh(): Promise<TokenSet> {
    return this.#locked(() => this.#refreshLocked());
  }

  /**
   * Refreshes unless the stored pair already moved on from `staleAccessToken` (another caller refreshed while we
   * waited for the lock) and is still fresh; so N callers who saw the same expired token cause one refresh.
   */
  refreshIfStale(staleAccessToken: string): Promise<TokenSet> {
    return this.#locked(async () => {
      const current = await this.#read();
      if (current.accessToken !== staleAccessToken && !this.#expiring(current)) return current;
      return this.#refreshLocked();
    });
  }

  /** A usable access token, refreshed first when it expires within `refreshBeforeExpiryMs`. */
  async accessToken(): Promise<string> {
    const current = await this.#read();
    if (!this.#expiring(current)) return current.accessToken;
    return (await this.refreshIfStale(current.accessToken)).accessToken;
  }

  /** Runs `task` holding the account's lock (used to read the refresh token for the subdomain lookup). */
  withLock<T>(task: (tokens: TokenSet) => Promise<T>): Promise<T> {
    return this.#locked(async () => task(await this.#read()));
  }

  /** Tokens this object has seen, for redaction. */
  knownSecrets(): readonly string[] {
    return this.#recent;
  }

  #locked<T>(task: () => Promise<T>): Promise<T> {
    return withKeyLock(this.#o.store, this.#o.accountKey, task);
  }

  async #refreshLocked(): Promise<TokenSet> {
    const current = await this.#read();
    const tokens = await requestTokens(this.#o.ctx, this.#o.credentials, {
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
    });
    await this.#save(tokens, 'tokens_refreshed');
    return tokens;
  }

  async #save(tokens: TokenSet, event: string): Promise<void> {
    // Saved before returning: the old refresh token is already dead on the server, so a pair that is used but
    // not stored would lock the account out at the next refresh.
    await this.#o.store.set(this.#o.accountKey, tokens);
    this.#remember(tokens);
    this.#o.ctx.http.log.info?.(
      { event, accountKey: this.#o.accountKey, expiresAt: tokens.expiresAt },
      'amoCRM tokens saved',
    );
  }

  async #read(): Promise<TokenSet> {
    const tokens = await this.#o.store.get(this.#o.accountKey);
    if (!tokens) {
      throw new AmojoInputError(
        `no OAuth tokens stored for account key "${this.#o.accountKey}": call exchangeCode(code) first`,
        'accountKey',
      );
    }
    this.#remember(tokens);
    return tokens;
  }

  #remember(tokens: TokenSet): void {
    if (this.#recent.includes(tokens.accessToken)) return;
    // Two pairs: a server may echo the token that was just rotated away.
    this.#recent.unshift(tokens.accessToken, tokens.refreshToken);
    this.#recent.length = Math.min(this.#recent.length, 4);
  }

  #expiring(tokens: TokenSet): boolean {
    return tokens.expiresAt - this.#o.ctx.http.now().getTime() <= this.#o.refreshBeforeExpiryMs;
  }
}
