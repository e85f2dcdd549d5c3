import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import type {
  ChannelAdapter,
  ChannelFactory,
  ChannelInstanceRecord,
  InboundChannelEvent,
  ReceiveResult,
} from './channel-adapter.js';

/** Where adapters hand received events: the inbound transaction (`receiveFromChannel`). */
export type ChannelReceiver = (event: InboundChannelEvent) => Promise<ReceiveResult>;

/** Options of {@link createChannelRegistry}. */
export interface ChannelRegistryOptions {
  /** One factory per channel kind. */
  readonly kinds: Readonly<Record<string, ChannelFactory>>;
  readonly log: Logger;
}

/** Adapters by instance: created and started on first use, stopped together. */
export interface ChannelRegistry {
  /** The kinds this bridge can run. */
  kinds(): readonly string[];
  /** Sets where adapters deliver received events (the pipelines do this; adapters started before see it too). */
  setReceiver(receiver: ChannelReceiver): void;
  /** The started adapter of an instance; a changed instance record (settings, secret) gets a fresh adapter. */
  adapterFor(instance: ChannelInstanceRecord): Promise<ChannelAdapter>;
  /** Stops every started adapter. */
  stopAll(): Promise<void>;
}

/** Raised for an instance whose kind has no factory. */
export class UnknownChannelKindError extends BridgeError {
  override readonly name = 'UnknownChannelKindError';
  constructor(kind: string) {
    super('channel_kind_unknown', `channel kind "${kind}" is not available in this bridge`);
  }
}

/** Creates the registry of channel adapters. */
export function createChannelRegistry(options: ChannelRegistryOptions): ChannelRegistry {
  let receiver: ChannelReceiver | undefined;
  const started = new Map<string, { fingerprint: string; adapter: Promise<ChannelAdapter> }>();
  const receive: ChannelReceiver = (event) => {
    if (!receiver) throw new BridgeError('channel_receiver_missing', 'no pipeline is attached to the channel registry');
    return receiver(event);
  };
  return {
    kinds: () => Object.keys(options.kinds),
    setReceiver(next) {
      receiver = next;
    },
    adapterFor(instance) {
      // The secret is part of the fingerprint so a rotated secret takes effect at once; it never leaves this map.
      const fingerprint = JSON.stringify([instance.kind, instance.settings, instance.secret, instance.accountId]);
      const existing = started.get(instance.id);
      if (existing && existing.fingerprint === fingerprint) return existing.adapter;
      const factory = options.kinds[instance.kind];
      if (!factory) return Promise.reject(new UnknownChannelKindError(instance.kind));
      const adapter = (async () => {
        if (existing) await (await existing.adapter).stop().catch(() => undefined);
        const created = factory({ instance });
        await created.start({
          instance,
          log: options.log.child({ channel: instance.kind, instanceId: instance.id }),
          receive,
        });
        return created;
      })();
      started.set(instance.id, { fingerprint, adapter });
      adapter.catch(() => started.delete(instance.id));
      return adapter;
    },
    async stopAll() {
      const all = [...started.values()];
      started.clear();
      await Promise.all(all.map(async (entry) => (await entry.adapter.catch(() => undefined))?.stop()));
    },
  };
}
