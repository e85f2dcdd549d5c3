import type { Fetch } from '@amojo-bridge/sdk';
import type { AmojoConnector } from '../accounts/account-deps.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/**
 * What the amoCRM side (install, tokens, sources, contact linking) needs. The bag `service/` assembles, and a
 * running `Bridge`, satisfy it.
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

/**
 * What an account's REST client ({@link restClientForAccount}, its token refreshes) needs: no amojo client, so any
 * pipeline that reads amoCRM passes its own deps.
 */
export type RestClientDeps = Pick<AmocrmDeps, 'store' | 'log' | 'now' | 'fetch'> & {
  readonly config: Pick<BridgeConfig, 'amocrm' | 'encryptionKey'>;
};
