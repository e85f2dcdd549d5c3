export type { AmocrmDeps } from './amocrm-deps.js';
export { type DisabledHookOutcome, handleDisabledHook } from './disable-account.js';
export { type InstallOutcome, installAccount } from './install-account.js';
export { registerAmocrmRoutes } from './register-amocrm-routes.js';
export { REFRESH_BEFORE_EXPIRY_MS, restClientForAccount } from './rest-client-for-account.js';
export { scheduleTokenRefresh, type TokenRefreshSchedule } from './schedule-token-refresh.js';
export { MAX_ACTIVE_SOURCES, SOURCES_PER_REQUEST, type SourceSyncResult, syncAccountSources } from './sync-sources.js';
export { withAccountTokenLock } from './token-lock.js';
