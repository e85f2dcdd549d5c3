import type { Selectable } from 'kysely';
import type { AccountsTable, OAuthState } from '../database.js';
import type { AccountRowId, AmojoAccountId, ScopeId } from '../ids.js';

/** A connected (or formerly connected) amoCRM account: one amojo scope. Tokens are read with `readAccountTokens`. */
export interface Account {
  readonly id: AccountRowId;
  readonly scopeId: ScopeId;
  readonly amojoAccountId: AmojoAccountId;
  readonly channelId: string;
  readonly subdomain: string | null;
  readonly title: string | null;
  readonly hookApiVersion: string | null;
  readonly state: 'connected' | 'disconnected';
  /** Whether OAuth tokens are stored (they are never part of this record). */
  readonly hasTokens: boolean;
  readonly tokenExpiresAt: number | null;
  /** amoCRM's numeric account id, known once the account installed the integration (OAuth). */
  readonly amocrmAccountId: number | null;
  /** The REST host its tokens belong to. */
  readonly amocrmBaseUrl: string | null;
  /** `none` (connected by hand), `ok`, `needs_reinstall` (refresh failed for good), `revoked` (disabled). */
  readonly oauthState: OAuthState;
  /** Why the tokens stopped working, for the admin (never token text). */
  readonly oauthError: string | null;
  readonly connectedAt: number | null;
  readonly disconnectedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an `accounts` row to an {@link Account}. */
export function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id as AccountRowId,
    scopeId: row.scope_id as ScopeId,
    amojoAccountId: row.amojo_account_id as AmojoAccountId,
    channelId: row.channel_id,
    subdomain: row.subdomain,
    title: row.title,
    hookApiVersion: row.hook_api_version,
    state: row.state,
    hasTokens: row.access_token_enc !== null,
    tokenExpiresAt: row.token_expires_at,
    amocrmAccountId: row.amocrm_account_id === null ? null : Number(row.amocrm_account_id),
    amocrmBaseUrl: row.amocrm_base_url,
    oauthState: row.oauth_state,
    oauthError: row.oauth_error,
    connectedAt: row.connected_at,
    disconnectedAt: row.disconnected_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
