import { randomBytes } from 'node:crypto';
import { BridgeError } from '../errors.js';
import { findAccount, listAccounts } from '../store/accounts/index.js';
import { type ChannelInstance, upsertChannelInstance } from '../store/channel-instances/index.js';
import type { Store } from '../store/store.js';

/** Input of {@link addHttpChannel}. */
export interface AddHttpChannelInput {
  readonly name: string;
  /** Where the bridge POSTs manager events for this instance (http or https). */
  readonly url: string;
  /**
   * amojo id of the account the instance serves. When omitted, the only connected account is used; with none or
   * several connected, the instance is created unattached.
   */
  readonly accountId?: string | undefined;
}

/** A new http instance with its secret: the only time the secret is available in clear text. */
export interface AddedHttpChannel {
  readonly instance: ChannelInstance;
  readonly secret: string;
}

/** What {@link addHttpChannel} needs. */
export interface AddHttpChannelDeps {
  readonly store: Store;
  readonly config: { readonly channel: { readonly id: string }; readonly encryptionKey: Uint8Array };
  readonly now?: () => Date;
}

/**
 * Creates an `http` channel instance with a fresh random key (its `:instance` URL segment) and a generated secret
 * (stored encrypted). The caller shows the secret once; it cannot be read back through the admin API.
 */
export async function addHttpChannel(deps: AddHttpChannelDeps, input: AddHttpChannelInput): Promise<AddedHttpChannel> {
  let accountRowId: number | null = null;
  if (input.accountId !== undefined) {
    const account = await findAccount(deps.store.db, {
      channelId: deps.config.channel.id,
      amojoAccountId: input.accountId,
    });
    if (!account) {
      throw new BridgeError('account_unknown', `No account with amojo id ${input.accountId}: connect it first`);
    }
    accountRowId = account.id;
  } else {
    const connected = await listAccounts(deps.store.db, { state: 'connected' });
    if (connected.length === 1) accountRowId = connected[0]!.id;
  }
  // 32 random bytes: the HMAC key of Standard-Webhooks signatures in both directions.
  const secret = randomBytes(32).toString('base64url');
  const instance = await upsertChannelInstance(deps.store.db, {
    key: `http_${randomBytes(9).toString('base64url')}`,
    kind: 'http',
    name: input.name,
    accountId: accountRowId,
    settings: { url: input.url },
    secret,
    encryptionKey: deps.config.encryptionKey,
    enabled: true,
    now: (deps.now?.() ?? new Date()).getTime(),
  });
  return { instance, secret };
}
