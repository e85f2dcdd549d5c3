import type { AmojoClient } from '@amojo-bridge/sdk';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { CommitBatcher } from '../queue/index.js';
import type { Store } from '../store/store.js';

/** Everything the relay (intake, pipelines, channels) needs; assembled once by the service. */
export interface RelayDeps {
  readonly config: BridgeConfig;
  readonly store: Store;
  readonly amojo: AmojoClient;
  readonly channels: ChannelRegistry;
  readonly metrics: BridgeMetrics;
  readonly log: Logger;
  readonly batcher: CommitBatcher;
  readonly now: () => Date;
}
