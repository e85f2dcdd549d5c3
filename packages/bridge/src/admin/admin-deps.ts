import type { AmojoClient } from '@amojo-bridge/sdk';
import type { AmojoConnector } from '../accounts/account-deps.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** What the admin API needs; the service passes its `RelayDeps`, which has this shape. */
export interface AdminDeps {
  readonly store: Store;
  /** Connect/disconnect for accounts; send and history for imports and conversation history. */
  readonly amojo: AmojoConnector & Pick<AmojoClient, 'sendMessage' | 'getHistory'>;
  readonly config: {
    readonly channel: { readonly id: string; readonly botId: string | undefined; readonly botName: string | undefined };
    readonly http: { readonly publicUrl: string | undefined };
    readonly encryptionKey: Uint8Array;
    readonly adminToken: string | undefined;
  };
  readonly log: Logger;
  readonly now: () => Date;
}
