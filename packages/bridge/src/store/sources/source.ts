import type { Selectable } from 'kysely';
import type { SourcesTable } from '../database.js';
import type { AccountRowId, ChannelInstanceRowId } from '../ids.js';

/** An amoCRM source of an account (spec 5.3), routed to a channel instance. */
export interface Source {
  readonly id: number;
  readonly accountId: AccountRowId;
  /** `source.external_id` in amojo bodies and hooks. */
  readonly externalId: string;
  readonly channelInstanceId: ChannelInstanceRowId | null;
  readonly name: string | null;
  /** amoCRM's numeric source id (REST v4). */
  readonly amocrmSourceId: number | null;
  readonly isDefault: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `sources` row to a {@link Source}. */
export function toSource(row: Selectable<SourcesTable>): Source {
  return {
    id: row.id,
    accountId: row.account_id as AccountRowId,
    externalId: row.external_id,
    channelInstanceId: row.channel_instance_id as ChannelInstanceRowId | null,
    name: row.name,
    amocrmSourceId: row.amocrm_source_id,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
