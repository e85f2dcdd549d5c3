import type { AmojoClient } from '@amojo-bridge/sdk';
import type { AmojoConnector } from '../accounts/account-deps.js';
import type { AnyChannelPlugin, ChannelFetch } from '../channels/channel-plugin.js';
import type { InstanceLifecycleListeners } from '../channels/manage-instances.js';
import type { BridgeConfig, ChannelConfig, HttpConfig } from '../config/bridge-config.js';
import type { Logger } from '../log.js';
import type { ChannelInstanceKey } from '../store/ids.js';
import type { Store } from '../store/store.js';

/** What the admin API needs; the service passes the deps it assembles (`service/relay-deps.ts`), which have this shape. */
export interface AdminDeps {
  readonly store: Store;
  /** Connect/disconnect for accounts; send and history for imports and conversation history. */
  readonly amojo: AmojoConnector & Pick<AmojoClient, 'sendMessage' | 'getHistory'>;
  readonly config: {
    readonly channel: Pick<ChannelConfig, 'id' | 'botId' | 'botName'>;
    readonly encryptionKey: Uint8Array;
    readonly adminToken: BridgeConfig['adminToken'];
    readonly http: Pick<HttpConfig, 'host' | 'port' | 'publicUrl'>;
  };
  readonly log: Logger;
  readonly now: () => Date;
  /** Channel kinds; `channelPlugins` by default. */
  readonly plugins?: Readonly<Record<string, AnyChannelPlugin>>;
  /** Run after an instance is created, updated or removed (see `channels/manage-instances.ts`). */
  readonly listeners?: InstanceLifecycleListeners;
  /** The running bridge's adapters, so a change takes effect at once (a removed or disabled instance stops). */
  readonly channels?: { reload(instanceKey: ChannelInstanceKey): Promise<void> };
  /** `fetch` for channel checks (the global one by default). */
  readonly fetch?: ChannelFetch;
}
