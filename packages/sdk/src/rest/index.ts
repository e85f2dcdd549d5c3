export { AmocrmClient } from './amocrm-client.js';
export type { AmocrmClientOptions } from './amocrm-client-options.js';
export { bracketQuery, type QueryValue } from './bracket-query.js';
export { parseInstallRedirect } from './parse-install-redirect.js';
export { RateLimiter, type RateLimiterOptions, type ReleaseSlot } from './rate-limiter.js';
export { MemoryTokenStore, type TokenStore } from './token-store.js';
export {
  MAX_EVENTS_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  MAX_SOURCE_EXTERNAL_ID_LENGTH,
  MAX_SOURCES_PER_REQUEST,
} from './validate-input.js';
export { parseDisabledHook, verifyDisabledHook } from './verify-disabled-hook.js';
