import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { Store } from '../store/store.js';

/** The two amojo calls account connection needs; `AmojoClient` from `@amojo-bridge/sdk` has this shape. */
export interface AmojoConnector {
  connect(options: {
    readonly accountId: string;
    readonly title?: string;
    readonly hookApiVersion?: 'v1' | 'v2';
  }): Promise<{ readonly scopeId: string; readonly title: string; readonly hookApiVersion: string }>;
  disconnect(options: { readonly accountId: string }): Promise<unknown>;
}

/** What {@link connectAccount} and {@link disconnectAccount} use; `RelayDeps` satisfies it. */
export interface AccountDeps {
  readonly store: Store;
  readonly amojo: AmojoConnector;
  readonly config: { readonly channel: { readonly id: string } };
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** Counts the connect/disconnect calls in `amojo_bridge_amojo_calls_total` when given. */
  readonly metrics?: Pick<BridgeMetrics, 'amojoCalls'>;
  readonly now?: () => Date;
}
