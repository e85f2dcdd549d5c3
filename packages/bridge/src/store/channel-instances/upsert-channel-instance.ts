import { encryptSecret } from '../encrypt.js';
import type { AccountRowId, ChannelInstanceKey } from '../ids.js';
import { toJson } from '../json.js';
import type { Executor } from '../store.js';
import { type ChannelInstance, channelSecretContext, toChannelInstance } from './channel-instance.js';

/** Input of {@link upsertChannelInstance}; fields left undefined keep their stored value on update. */
export interface UpsertChannelInstanceInput {
  readonly key: ChannelInstanceKey;
  readonly kind: string;
  readonly name?: string | null | undefined;
  readonly accountId?: AccountRowId | null | undefined;
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
  /** Clear-text secret (HMAC key, bot token), stored encrypted; `null` removes it. */
  readonly secret?: string | null | undefined;
  /** Required when `secret` is a string. */
  readonly encryptionKey?: Uint8Array | undefined;
  readonly enabled?: boolean | undefined;
  /** amoCRM pipeline of the instance's source; `null` clears it. */
  readonly pipelineId?: number | null | undefined;
  readonly now?: number | undefined;
}

/** Creates or updates a channel instance by its key. */
export async function upsertChannelInstance(db: Executor, input: UpsertChannelInstanceInput): Promise<ChannelInstance> {
  const now = input.now ?? Date.now();
  let secretEnc: string | null | undefined;
  if (typeof input.secret === 'string') {
    if (!input.encryptionKey) throw new TypeError('upsertChannelInstance: encryptionKey is required with a secret');
    secretEnc = encryptSecret(input.secret, { key: input.encryptionKey, context: channelSecretContext(input.key) });
  } else {
    secretEnc = input.secret;
  }
  const optional = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.accountId !== undefined && { account_id: input.accountId }),
    ...(input.settings !== undefined && { settings: toJson(input.settings) }),
    ...(secretEnc !== undefined && { secret_enc: secretEnc }),
    ...(input.enabled !== undefined && { enabled: input.enabled ? 1 : 0 }),
    ...(input.pipelineId !== undefined && { amocrm_pipeline_id: input.pipelineId }),
  };
  const row = await db
    .insertInto('channel_instances')
    .values({
      key: input.key,
      kind: input.kind,
      created_at: now,
      updated_at: now,
      settings: '{}',
      enabled: 1,
      ...optional,
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ kind: input.kind, updated_at: now, ...optional }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toChannelInstance(row);
}
