import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { ChannelInstanceRecord } from './channel-adapter.js';
import type { AnyChannelPlugin, ChannelFetch, ChannelRuntime, ChannelTuning } from './channel-plugin.js';
import { recordChannelHealth } from './health/record-channel-health.js';
import { findInstanceRecord, listInstanceRecords, openInstanceRecord } from './read-instance-record.js';

/** Input of {@link createChannelRuntime}: what the service assembled. */
export interface CreateChannelRuntimeInput {
  readonly plugin: AnyChannelPlugin;
  readonly store: Store;
  readonly databaseUrl: string;
  readonly encryptionKey: Uint8Array;
  readonly log: Logger;
  readonly now: () => Date;
  readonly fetch: ChannelFetch;
  readonly publicUrl: string | undefined;
  readonly bridgeUrl: string;
  /** `CHANNEL_BODY_LIMIT_BYTES`, see {@link ChannelRuntime.bodyLimitBytes}. */
  readonly bodyLimitBytes?: number | undefined;
  /** See {@link ChannelRuntime.tuning}. */
  readonly tuning?: ChannelTuning | undefined;
  /** The inbound transaction (the service passes the pipelines' `receiveFromChannel`). */
  readonly receive: ChannelRuntime['receive'];
}

/** A runtime and the function that runs its `onClose` releases (the service calls it once, at stop). */
export interface OwnedChannelRuntime {
  readonly runtime: ChannelRuntime;
  close(): Promise<void>;
}

/** Builds the one runtime of a plugin in this bridge. */
export function createChannelRuntime(input: CreateChannelRuntimeInput): OwnedChannelRuntime {
  const { plugin, encryptionKey } = input;
  const source = { db: input.store.db, encryptionKey };
  const log = input.log.child({ channel: plugin.kind });
  const releases: (() => Promise<void> | void)[] = [];
  const open = (record: ChannelInstanceRecord | undefined): ChannelInstanceRecord | undefined => {
    if (record?.kind !== plugin.kind) return undefined;
    const opened = openInstanceRecord<Record<string, unknown>>(plugin, record, encryptionKey);
    if (opened.ok) return opened.instance;
    log.error({ event: 'channel_instance_unusable', instanceId: record.key, reason: opened.reason }, opened.reason);
    return undefined;
  };
  const runtime: ChannelRuntime = {
    log,
    now: input.now,
    fetch: input.fetch,
    publicUrl: input.publicUrl,
    bridgeUrl: input.bridgeUrl,
    bodyLimitBytes: input.bodyLimitBytes,
    tuning: input.tuning,
    store: input.store,
    databaseUrl: input.databaseUrl,
    receive: input.receive,
    findInstance: async (key) => open(await findInstanceRecord(source, key)),
    async listInstances() {
      const records = await listInstanceRecords(source, plugin.kind);
      return records.map(open).filter((r): r is ChannelInstanceRecord => r !== undefined);
    },
    onClose(release) {
      releases.push(release);
    },
    async reportHealth(instance, report) {
      const signal = report.ok
        ? ({ ok: true, source: 'poll' } as const)
        : { ok: false as const, problem: report.problem, reason: report.reason, source: 'poll' as const };
      await recordChannelHealth({
        store: input.store,
        log,
        now: input.now().getTime(),
        instance: { rowId: instance.rowId, key: instance.key, kind: instance.kind, name: instance.name },
        signal,
      });
    },
  };
  return {
    runtime,
    async close() {
      for (const release of releases.splice(0)) {
        try {
          await release();
        } catch (error) {
          log.warn({ err: error, event: 'channel_release_failed' }, 'channel release failed');
        }
      }
    },
  };
}
