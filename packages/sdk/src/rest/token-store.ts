import type { TokenSet } from '../types/rest.js';

/**
 * Where the SDK keeps each account's OAuth tokens. Refresh tokens are single-use, so `set` must be durable before
 * it returns: the SDK saves a new pair before it uses it, and a pair lost after that point locks the account out.
 */
export interface TokenStore {
  /** The account's current pair, or undefined when it has none. */
  get(accountKey: string): Promise<TokenSet | undefined> | TokenSet | undefined;
  /** Replaces the account's pair. */
  set(accountKey: string, tokens: TokenSet): Promise<void> | void;
  /** Forgets the account's pair (e.g. after the integration was disabled). */
  delete?(accountKey: string): Promise<void> | void;
}

/** A {@link TokenStore} in process memory, for tests and single-process tools; tokens are lost on exit. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, TokenSet>();

  /** Returns the stored pair. */
  get(accountKey: string): TokenSet | undefined {
    return this.#tokens.get(accountKey);
  }

  /** Stores a copy of the pair. */
  set(accountKey: string, tokens: TokenSet): void {
    this.#tokens.set(accountKey, { ...tokens });
  }

  /** Removes the pair. */
  delete(accountKey: string): void {
    this.#tokens.delete(accountKey);
  }
}
