import type { AnyChannelPlugin } from '../../src/channels/channel-plugin.js';
import { sealSecretSettings } from '../../src/channels/instance-settings.js';
import {
  type ChannelInstance,
  type UpsertChannelInstanceInput,
  upsertChannelInstance,
} from '../../src/store/channel-instances/index.js';
import { asChannelInstanceKey } from '../../src/store/ids.js';
import { upsertSource } from '../../src/store/sources/index.js';
import type { Executor } from '../../src/store/store.js';

/** What {@link storeMessengerInstance} stores. */
export interface MessengerInstanceInput {
  readonly plugin: AnyChannelPlugin;
  readonly kind: string;
  readonly key: string;
  readonly name: string;
  readonly accountId: NonNullable<UpsertChannelInstanceInput['accountId']>;
  /** Clear-text settings; the plugin's secret fields are sealed before they are stored. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The instance secret (webhook secret token), stored encrypted. */
  readonly secret: string;
  readonly encryptionKey: Uint8Array;
  /** The amoCRM source's external_id. */
  readonly sourceExternalId: string;
  readonly isDefault: boolean;
}

/**
 * Stores a messenger channel instance (enabled, settings sealed) and the account's amoCRM source for it, as
 * `channels add telegram|whatsapp` would, before the bridge that runs it starts.
 */
export async function storeMessengerInstance(db: Executor, input: MessengerInstanceInput): Promise<ChannelInstance> {
  const instance = await upsertChannelInstance(db, {
    key: asChannelInstanceKey(input.key),
    kind: input.kind,
    name: input.name,
    accountId: input.accountId,
    settings: sealSecretSettings(input.plugin, {
      instanceKey: input.key,
      settings: input.settings,
      encryptionKey: input.encryptionKey,
    }),
    secret: input.secret,
    encryptionKey: input.encryptionKey,
    enabled: true,
  });
  await upsertSource(db, {
    accountId: input.accountId,
    externalId: input.sourceExternalId,
    channelInstanceId: instance.rowId,
    isDefault: input.isDefault,
  });
  return instance;
}
