import type { ClientOptions } from '../http/client-options.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TokenStore } from './token-store.js';

/** Options of {@link AmocrmClient}. */
export interface AmocrmClientOptions extends ClientOptions {
  /** Account host, e.g. `https://example.amocrm.ru` (or the sandbox URL); no trailing slash needed. */
  readonly baseUrl: string;
  /** Integration id (`client_id`, UUID). */
  readonly clientId: string;
  /** Integration secret key; never logged. */
  readonly clientSecret: string;
  /** Redirect URI exactly as configured in the integration. */
  readonly redirectUri: string;
  /** Where this account's token pair lives. */
  readonly tokenStore: TokenStore;
  /** Key of this account's pair in the store (e.g. the account's amojo_id or subdomain). */
  readonly accountKey: string;
  /** Request budget of the account, default 7 per second (spec 5.5). */
  readonly rateLimitPerSecond?: number;
  /** Refresh the access token when it expires within this many ms. Default 60 000. */
  readonly refreshBeforeExpiryMs?: number;
  /** Use this limiter instead of the process-wide one of (baseUrl, accountKey); mainly for tests. */
  readonly rateLimiter?: RateLimiter;
}
