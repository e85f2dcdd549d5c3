import { decryptSecret, encryptSecret } from '../encrypt.js';
import type { AccountRowId } from '../ids.js';
import type { Executor } from '../store.js';

/** OAuth 2.0 tokens of an account (amoCRM REST v4, spec 5.1), in clear: never log them. */
export interface AccountTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires, ms since the epoch. */
  readonly expiresAt: number;
}

// Each envelope is bound to its column and row, so swapping ciphertexts between accounts fails to decrypt.
const context = (column: string, accountId: number) => `accounts.${column}#${accountId}`;

/** Stores an account's OAuth tokens encrypted with AES-256-GCM; returns false when the account does not exist. */
export async function saveAccountTokens(
  db: Executor,
  input: {
    readonly accountId: AccountRowId;
    readonly tokens: AccountTokens;
    readonly encryptionKey: Uint8Array;
    readonly now?: number;
  },
): Promise<boolean> {
  const { accountId, tokens, encryptionKey: key } = input;
  const result = await db
    .updateTable('accounts')
    .set({
      access_token_enc: encryptSecret(tokens.accessToken, { key, context: context('access_token_enc', accountId) }),
      refresh_token_enc: encryptSecret(tokens.refreshToken, { key, context: context('refresh_token_enc', accountId) }),
      token_expires_at: tokens.expiresAt,
      tokens_saved_at: input.now ?? Date.now(),
      updated_at: input.now ?? Date.now(),
    })
    .where('id', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Reads and decrypts an account's OAuth tokens; `undefined` when none are stored. Throws if they were altered. */
export async function readAccountTokens(
  db: Executor,
  input: { readonly accountId: AccountRowId; readonly encryptionKey: Uint8Array },
): Promise<AccountTokens | undefined> {
  const { accountId, encryptionKey: key } = input;
  const row = await db
    .selectFrom('accounts')
    .select(['access_token_enc', 'refresh_token_enc', 'token_expires_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row?.access_token_enc || !row.refresh_token_enc) return undefined;
  return {
    accessToken: decryptSecret(row.access_token_enc, { key, context: context('access_token_enc', accountId) }),
    refreshToken: decryptSecret(row.refresh_token_enc, { key, context: context('refresh_token_enc', accountId) }),
    expiresAt: row.token_expires_at ?? 0,
  };
}

/** When the account's current pair was saved (ms since the epoch); `undefined` when unknown or none is stored. */
export async function readTokensSavedAt(
  db: Executor,
  input: { readonly accountId: AccountRowId },
): Promise<number | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select('tokens_saved_at')
    .where('id', '=', input.accountId)
    .executeTakeFirst();
  return row?.tokens_saved_at === null || row?.tokens_saved_at === undefined ? undefined : Number(row.tokens_saved_at);
}

/** Removes an account's tokens (disconnect, revoked grant). */
export async function clearAccountTokens(
  db: Executor,
  input: { readonly accountId: AccountRowId; readonly now?: number },
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      access_token_enc: null,
      refresh_token_enc: null,
      token_expires_at: null,
      updated_at: input.now ?? Date.now(),
    })
    .where('id', '=', input.accountId)
    .execute();
}
