import type { AmojoClient, Fetch } from '@amojo-bridge/sdk';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { CommitBatcher } from '../queue/index.js';
import type { Store } from '../store/store.js';

/**
 * The full bag `createBridge` assembles once. Each entry point it is handed to (intake, pipelines, recovery, admin,
 * amoCRM) declares the narrow part it uses; `deps-checks.ts` proves at compile time that this bag serves them all.
 * Nothing outside `service/` names it.
 */
export interface RelayDeps {
  readonly config: BridgeConfig;
  readonly store: Store;
  readonly amojo: AmojoClient;
  readonly channels: ChannelRegistry;
  readonly metrics: BridgeMetrics;
  readonly log: Logger;
  readonly batcher: CommitBatcher;
  readonly now: () => Date;
  /** The `fetch` tests inject (`CreateBridgeOptions.fetch`); unset in production, where the SDK's transport sends. */
  readonly fetch?: Fetch;
}
