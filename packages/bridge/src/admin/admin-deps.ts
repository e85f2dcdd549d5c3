import type { AmojoConnector } from '../accounts/account-deps.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** What the admin API needs; the service passes its `RelayDeps`, which has this shape. */
export interface AdminDeps {
  readonly store: Store;
  readonly amojo: AmojoConnector;
  readonly config: {
    readonly channel: { readonly id: string };
    readonly encryptionKey: Uint8Array;
    readonly adminToken: string | undefined;
    /** `PUBLIC_URL`: makes the URLs the admin API hands out absolute. */
    readonly http?: { readonly publicUrl: string | undefined };
  };
  readonly log: Logger;
  readonly now: () => Date;
}
