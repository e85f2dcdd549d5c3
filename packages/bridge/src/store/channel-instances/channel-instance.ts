import type { Selectable } from 'kysely';
import type { ChannelInstancesTable } from '../database.js';
import type { AccountRowId, ChannelInstanceKey, ChannelInstanceRowId } from '../ids.js';
import { fromJson } from '../json.js';

/** A configured messenger endpoint; its secret is read separately with `readChannelInstanceSecret`. */
export interface ChannelInstance {
  /** `channel_instances.id`. */
  readonly rowId: ChannelInstanceRowId;
  /** Public key used in URLs (`/channels/http/:instance`). */
  readonly key: ChannelInstanceKey;
  /** Adapter kind: `http`, `webchat`, `telegram`... */
  readonly kind: string;
  readonly name: string | null;
  readonly accountId: AccountRowId | null;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly hasSecret: boolean;
  readonly enabled: boolean;
  /** amoCRM pipeline the instance's source puts its leads in; null: the account's main pipeline (amoCRM's choice). */
  readonly pipelineId: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `channel_instances` row to a {@link ChannelInstance}. */
export function toChannelInstance(row: Selectable<ChannelInstancesTable>): ChannelInstance {
  return {
    rowId: row.id as ChannelInstanceRowId,
    key: row.key as ChannelInstanceKey,
    kind: row.kind,
    name: row.name,
    accountId: row.account_id as AccountRowId | null,
    settings: fromJson(row.settings) as Record<string, unknown>,
    hasSecret: row.secret_enc !== null,
    enabled: row.enabled === 1,
    // bigint: the pg driver answers a string.
    pipelineId: row.amocrm_pipeline_id === null ? null : Number(row.amocrm_pipeline_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The encryption context of an instance secret (binds the envelope to its row key). */
export const channelSecretContext = (key: string) => `channel_instances.secret_enc#${key}`;
