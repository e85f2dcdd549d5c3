import type { ChannelInstance } from '../../store/channel-instances/index.js';
import type { AccountRowId } from '../../store/ids.js';
import type { AnyChannelPlugin } from '../channel-plugin.js';
import { secretSettingsSet, visibleSettings } from '../instance-settings.js';

/**
 * A channel instance as management shows it (CLI, admin API, dashboard, lifecycle listeners): never a secret, only
 * which secret settings are set.
 */
export interface ManagedInstance {
  /** `channel_instances.id`. */
  readonly rowId: number;
  /** Public key: URL segment, `data-instance`, the CLI's `<key>`. */
  readonly key: string;
  readonly kind: string;
  readonly name: string | null;
  /** `accounts.id` of the account it serves, or null when unattached. */
  readonly accountId: AccountRowId | null;
  /** Settings as written (defaults not filled in), secret settings left out. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Names of the secret settings that are set. */
  readonly secretSettings: readonly string[];
  /** Whether the instance has an instance secret (http signing key, webchat token key). */
  readonly hasSecret: boolean;
  readonly enabled: boolean;
  /** amoCRM pipeline of the instance's source (its unsorted leads); null: the account's main pipeline. */
  readonly pipelineId: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a stored instance to its management view. */
export function toManagedInstance(plugin: AnyChannelPlugin | undefined, instance: ChannelInstance): ManagedInstance {
  return {
    rowId: instance.rowId,
    key: instance.key,
    kind: instance.kind,
    name: instance.name,
    accountId: instance.accountId,
    settings: visibleSettings(plugin, instance.settings),
    secretSettings: secretSettingsSet(plugin, instance.settings),
    hasSecret: instance.hasSecret,
    enabled: instance.enabled,
    pipelineId: instance.pipelineId,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
  };
}
