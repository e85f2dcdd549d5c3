import type { ManagedInstance } from '../manage/managed-instance.js';
import { createChannelInstance, type ManageInstancesDeps } from '../manage-instances.js';

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
  readonly instance: ManagedInstance;
  readonly secret: string;
}

/** What {@link addHttpChannel} needs; a running `Bridge` satisfies it (`addHttpChannel(bridge, ...)`). */
export type AddHttpChannelDeps = ManageInstancesDeps;

/**
 * Creates an `http` channel instance with a fresh random key (its `:instance` URL segment) and a generated secret
 * (stored encrypted): `createChannelInstance` for kind `http`. The caller shows the secret once; it cannot be read
 * back through the admin API.
 */
export async function addHttpChannel(deps: AddHttpChannelDeps, input: AddHttpChannelInput): Promise<AddedHttpChannel> {
  const created = await createChannelInstance(deps, {
    kind: 'http',
    name: input.name,
    accountId: input.accountId,
    settings: { url: input.url },
  });
  if (!created.secret) throw new TypeError('addHttpChannel: the http channel shows its secret at creation');
  return { instance: created.instance, secret: created.secret };
}
