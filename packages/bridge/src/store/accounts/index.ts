export type { Account } from './account.js';
export type { AccountTokens } from './account-tokens.js';
export { clearAccountTokens, readAccountTokens, readTokensSavedAt, saveAccountTokens } from './account-tokens.js';
export type { FindAccountBy } from './find-account.js';
export { findAccount, findAccountByScope, listAccounts } from './find-account.js';
export { type SetAccountOAuthInput, setAccountOAuth } from './set-account-oauth.js';
export { setAccountState } from './set-account-state.js';
export type { UpsertAccountInput } from './upsert-account.js';
export { upsertAccount } from './upsert-account.js';
