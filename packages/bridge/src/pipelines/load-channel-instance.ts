import type { ChannelInstanceRecord } from '../channels/channel-adapter.js';
import { findChannelInstance, readChannelInstanceSecret } from '../store/channel-instances/index.js';
import type { ChannelInstanceKey, ChannelInstanceRowId } from '../store/ids.js';
import type { Store } from '../store/store.js';

/** What {@link loadChannelInstance} reads: the store, and the key instance secrets are encrypted with. */
export interface LoadChannelInstanceDeps {
  readonly store: Store;
  readonly config: { readonly encryptionKey: Uint8Array };
}

/** Reads a channel instance with its decrypted secret, as adapters need it; `undefined` when unknown or disabled. */
export async function loadChannelInstance(
  deps: LoadChannelInstanceDeps,
  by: { readonly id: ChannelInstanceRowId } | { readonly key: ChannelInstanceKey },
): Promise<ChannelInstanceRecord | undefined> {
  const instance = await findChannelInstance(deps.store.db, by);
  if (!instance?.enabled) return undefined;
  const secret = instance.hasSecret
    ? await readChannelInstanceSecret(deps.store.db, { key: instance.key, encryptionKey: deps.config.encryptionKey })
    : undefined;
  return {
    key: instance.key,
    rowId: instance.rowId,
    kind: instance.kind,
    name: instance.name,
    accountId: instance.accountId,
    settings: instance.settings,
    secret: secret ?? null,
  };
}

/** Our participant id of a customer: the instance key plus the messenger's id, unique across instances. */
export const clientParticipantId = (instanceKey: string, senderId: string): string => `${instanceKey}:${senderId}`;

/** The messenger's customer id back from {@link clientParticipantId}. */
export function senderIdOf(instanceKey: string, participantId: string): string {
  const prefix = `${instanceKey}:`;
  return participantId.startsWith(prefix) ? participantId.slice(prefix.length) : participantId;
}
