import type { Logger } from '../log.js';
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

/** What {@link connectAccount} and {@link disconnectAccount} use; a running `Bridge` satisfies it. */
export interface AccountDeps {
  readonly store: Store;
  readonly amojo: AmojoConnector;
  readonly config: { readonly channel: { readonly id: string } };
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  readonly now?: () => Date;
}
