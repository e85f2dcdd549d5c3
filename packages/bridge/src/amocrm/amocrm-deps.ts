import type { Fetch } from '@amojo-bridge/sdk';
import type { AmojoConnector } from '../accounts/account-deps.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/**
 * What the amoCRM side (install, tokens, sources, contact linking) needs. `RelayDeps` satisfies it, so any
 * pipeline can pass its deps straight to {@link restClientForAccount}.
 */
export interface AmocrmDeps {
  readonly config: Pick<BridgeConfig, 'channel' | 'encryptionKey' | 'amocrm' | 'http'>;
  readonly store: Store;
  readonly amojo: AmojoConnector;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  readonly now: () => Date;
  /** `fetch` for REST calls; tests point it nowhere else than the sandbox, production uses the global. */
  readonly fetch?: Fetch | undefined;
}
