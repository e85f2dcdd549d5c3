import type { FastifyInstance } from 'fastify';
import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChannelInstanceKey } from '../store/ids.js';
import type { Store } from '../store/store.js';
import {
  CHANNEL_MESSAGE_TYPES,
  type ChannelInstanceRecord,
  type ChannelMessageType,
  type ChannelSendResult,
  type InboundChannelEvent,
  type OutboundChannelMessage,
  type OutboundReaction,
  type OutboundTyping,
  type ReceiveResult,
} from './channel-adapter.js';
import {
  type AnyChannelPlugin,
  type ChannelAdapter,
  ChannelEventRefusedError,
  type ChannelFetch,
  type ChannelReceiveOptions,
  type ChannelRuntime,
  type ChannelTuning,
} from './channel-plugin.js';
import { createChannelRuntime, type OwnedChannelRuntime } from './create-channel-runtime.js';
import { findInstanceRecord, listInstanceRecords, openInstanceRecord } from './read-instance-record.js';

/** What the pipelines may send to a started instance, derived from its adapter (its methods are its capabilities). */
export interface ChannelCapabilities extends Readonly<Record<ChannelMessageType, boolean>> {
  readonly typing: boolean;
  readonly reactions: boolean;
  /** The adapter shows `message.forwarded` itself (`showsForwards`). */
  readonly forwards: boolean;
}

/** A started adapter as the outbound pipelines use it. */
export interface RunningChannel {
  readonly kind: string;
  readonly capabilities: ChannelCapabilities;
  /** The adapter's `maxFileBytes`. */
  readonly maxFileBytes?: number;
  /** The adapter's `maxTextLength`. */
  readonly maxTextLength?: number;
  send(message: OutboundChannelMessage): Promise<ChannelSendResult>;
  typing?(event: OutboundTyping): Promise<ChannelSendResult | undefined>;
  react?(event: OutboundReaction): Promise<ChannelSendResult | undefined>;
}

/** Where the registry hands inbound events: the inbound transaction (the pipelines' `receiveFromChannel`). */
export type ChannelReceiver = (event: InboundChannelEvent, options: ChannelReceiveOptions) => Promise<ReceiveResult>;

/** Options of {@link createChannelRegistry}: the plugins and what their runtimes are made of. */
export interface ChannelRegistryOptions {
  /** The plugins, by kind (`channelPlugins`). */
  readonly plugins: Readonly<Record<string, AnyChannelPlugin>>;
  readonly store: Store;
  readonly databaseUrl: string;
  readonly encryptionKey: Uint8Array;
  readonly log: Logger;
  readonly now: () => Date;
  readonly fetch: ChannelFetch;
  readonly publicUrl: string | undefined;
  readonly bridgeUrl: string;
  /** `CHANNEL_BODY_LIMIT_BYTES`, handed to every runtime. */
  readonly bodyLimitBytes?: number | undefined;
  /** The configuration's `channels` section, handed to every runtime. */
  readonly tuning?: ChannelTuning | undefined;
}

/**
 * The channels of one bridge: one runtime per plugin, the plugins' routes, and the adapters by instance (created
 * on start or first use, replaced when the instance changes, stopped together).
 */
export interface ChannelRegistry {
  /** The kinds this bridge can run. */
  kinds(): readonly string[];
  /** Sets where `runtime.receive` delivers (the pipelines do this; runtimes handed out before see it too). */
  setReceiver(receiver: ChannelReceiver): void;
  /** The runtime of a kind (tests and embedding code); undefined for an unknown kind. */
  runtimeOf(kind: string): ChannelRuntime | undefined;
  /** Registers every plugin's routes, each in its own encapsulated scope. */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** The started adapter of an instance; a changed instance record (settings, secret, account) gets a fresh one. */
  adapterFor(instance: ChannelInstanceRecord): Promise<RunningChannel>;
  /**
   * Brings the adapters in step with the database: starts one for every enabled instance of every kind (new or
   * changed ones included) and stops those of instances removed or disabled since. Run at bridge start and then
   * periodically, so changes made by another process (the CLI) take effect; failures are logged.
   */
  sync(): Promise<void>;
  /** Stops the adapter of a removed or disabled instance, if one runs here. */
  forget(instanceKey: string): Promise<void>;
  /**
   * Re-reads one instance after a change made in this process (the admin API): a changed one gets a fresh adapter
   * at once, a removed or disabled one is stopped. Failures to start are logged, as at start.
   */
  reload(instanceKey: ChannelInstanceKey): Promise<void>;
  /** Stops every started adapter, then releases what the runtimes hold (`onClose`). */
  stopAll(): Promise<void>;
}

/** Raised for an instance whose kind has no plugin in this bridge. */
export class UnknownChannelKindError extends BridgeError {
  override readonly name = 'UnknownChannelKindError';
  constructor(kind: string) {
    super('channel_kind_unknown', `channel kind "${kind}" is not available in this bridge`);
  }
}

function running(kind: string, adapter: ChannelAdapter): RunningChannel {
  const types = new Set(adapter.messageTypes);
  const capabilities = Object.fromEntries(CHANNEL_MESSAGE_TYPES.map((type) => [type, types.has(type)])) as Record<
    ChannelMessageType,
    boolean
  >;
  return {
    kind,
    capabilities: {
      ...capabilities,
      typing: Boolean(adapter.typing),
      reactions: Boolean(adapter.react),
      forwards: adapter.showsForwards === true,
    },
    ...(adapter.maxFileBytes !== undefined ? { maxFileBytes: adapter.maxFileBytes } : {}),
    ...(adapter.maxTextLength !== undefined ? { maxTextLength: adapter.maxTextLength } : {}),
    send: (message) => adapter.send(message),
    ...(adapter.typing ? { typing: adapter.typing.bind(adapter) } : {}),
    ...(adapter.react ? { react: adapter.react.bind(adapter) } : {}),
  };
}

interface Started {
  readonly fingerprint: string;
  readonly adapter: Promise<{ running: RunningChannel; adapter: ChannelAdapter }>;
}

/** Creates the registry of channel adapters. */
export function createChannelRegistry(options: ChannelRegistryOptions): ChannelRegistry {
  const started = new Map<string, Started>();
  const source = { db: options.store.db, encryptionKey: options.encryptionKey };
  let receiver: ChannelReceiver | undefined;
  const receive = async (event: InboundChannelEvent, receiveOptions: ChannelReceiveOptions = {}) => {
    if (!receiver) throw new BridgeError('channel_receiver_missing', 'no pipeline is attached to the channel registry');
    try {
      return await receiver(event, receiveOptions);
    } catch (error) {
      throw refusal(error) ?? error;
    }
  };
  const owned = new Map<string, OwnedChannelRuntime>();
  for (const [kind, plugin] of Object.entries(options.plugins)) {
    if (plugin.kind !== kind)
      throw new BridgeError('channel_plugin_misnamed', `plugin ${plugin.kind} is registered as ${kind}`);
    owned.set(kind, createChannelRuntime({ ...options, plugin, receive }));
  }
  const stopOne = async (entry: Started | undefined, instanceKey: string) => {
    if (!entry) return;
    const settled = await entry.adapter.catch(() => undefined);
    try {
      await settled?.adapter.stop?.();
    } catch (error) {
      options.log.warn({ err: error, instanceId: instanceKey }, 'channel adapter did not stop cleanly');
    }
  };
  const adapterFor = (instance: ChannelInstanceRecord): Promise<RunningChannel> => {
    // The secret is part of the fingerprint so a rotated secret takes effect at once; it never leaves this map.
    // Secret settings are envelopes inside `settings`, so rotating one changes the fingerprint too.
    const fingerprint = JSON.stringify([instance.kind, instance.settings, instance.secret, instance.accountId]);
    const existing = started.get(instance.key);
    if (existing && existing.fingerprint === fingerprint) return existing.adapter.then((a) => a.running);
    const plugin = Object.hasOwn(options.plugins, instance.kind) ? options.plugins[instance.kind] : undefined;
    const runtime = owned.get(instance.kind)?.runtime;
    if (!plugin || !runtime) return Promise.reject(new UnknownChannelKindError(instance.kind));
    const adapter = (async () => {
      await stopOne(existing, instance.key);
      const opened = openInstanceRecord(plugin, instance, options.encryptionKey);
      if (!opened.ok) {
        throw new BridgeError('channel_instance_unusable', `channel instance ${instance.key}: ${opened.reason}`);
      }
      const created = await plugin.createAdapter(opened.instance, runtime);
      return { running: running(instance.kind, created), adapter: created };
    })();
    const entry: Started = { fingerprint, adapter };
    started.set(instance.key, entry);
    adapter.catch((error: unknown) => {
      if (started.get(instance.key) === entry) started.delete(instance.key);
      options.log.warn({ err: error, instanceId: instance.key, kind: instance.kind }, 'channel adapter not started');
    });
    return adapter.then((a) => a.running);
  };
  return {
    kinds: () => Object.keys(options.plugins),
    setReceiver(next) {
      receiver = next;
    },
    runtimeOf: (kind) => owned.get(kind)?.runtime,
    async registerRoutes(app) {
      for (const [kind, plugin] of Object.entries(options.plugins)) {
        const runtime = owned.get(kind)?.runtime;
        if (!plugin.routes || !runtime) continue;
        await app.register(async (scope) => {
          await plugin.routes?.(scope, runtime);
        });
      }
    },
    adapterFor,
    async sync() {
      const present = new Set<string>();
      for (const kind of owned.keys()) {
        const records = await listInstanceRecords(source, kind);
        for (const record of records) present.add(record.key);
        await Promise.all(records.map((record) => adapterFor(record).catch(() => undefined)));
      }
      for (const [key, entry] of [...started.entries()]) {
        if (present.has(key) || started.get(key) !== entry) continue;
        started.delete(key);
        await stopOne(entry, key);
      }
    },
    async forget(instanceKey) {
      const entry = started.get(instanceKey);
      started.delete(instanceKey);
      await stopOne(entry, instanceKey);
    },
    async reload(instanceKey) {
      const record = await findInstanceRecord(source, instanceKey);
      if (!record || !owned.has(record.kind)) {
        const entry = started.get(instanceKey);
        started.delete(instanceKey);
        await stopOne(entry, instanceKey);
        return;
      }
      await adapterFor(record).catch(() => undefined);
    },
    async stopAll() {
      const all = [...started.entries()];
      started.clear();
      await Promise.all(all.map(([key, entry]) => stopOne(entry, key)));
      for (const runtime of owned.values()) await runtime.close();
    },
  };
}

// The pipelines refuse an event they can never take with a `relay_input_invalid` error carrying an HTTP status;
// channels see it as the contract's ChannelEventRefusedError (channels never import pipelines).
function refusal(error: unknown): ChannelEventRefusedError | undefined {
  if (error instanceof ChannelEventRefusedError) return error;
  if (!(error instanceof BridgeError) || error.code !== 'relay_input_invalid') return undefined;
  const status = (error as BridgeError & { statusCode?: unknown }).statusCode;
  return new ChannelEventRefusedError(error.message, typeof status === 'number' ? status : 400, { cause: error });
}
