import {
  type ChannelInstance,
  findChannelInstance,
  listChannelInstances,
  readChannelInstanceSecret,
} from '../store/channel-instances/index.js';
import type { ChannelInstanceKey } from '../store/ids.js';
import type { Executor } from '../store/store.js';
import type { ChannelInstanceRecord } from './channel-adapter.js';
import type { AnyChannelPlugin } from './channel-plugin.js';
import { openSecretSettings } from './instance-settings.js';

/** Where instances are read from: the database and the key their secrets are encrypted with. */
export interface InstanceSource {
  readonly db: Executor;
  readonly encryptionKey: Uint8Array;
}

/** An instance as stored (settings with secret envelopes) with its instance secret decrypted. */
export async function readInstanceRecord(
  source: InstanceSource,
  instance: ChannelInstance,
): Promise<ChannelInstanceRecord> {
  const secret = instance.hasSecret
    ? await readChannelInstanceSecret(source.db, { key: instance.key, encryptionKey: source.encryptionKey })
    : undefined;
  return {
    key: instance.key,
    rowId: instance.rowId,
    kind: instance.kind,
    name: instance.name,
    accountId: instance.accountId,
    settings: instance.settings,
    secret: secret ?? null,
  };
}

/** Result of {@link openInstanceRecord}. */
export type OpenedInstance<S> =
  | { readonly ok: true; readonly instance: ChannelInstanceRecord<S> }
  | { readonly ok: false; readonly reason: string };

/**
 * The record a plugin sees: secret settings decrypted and the settings parsed by the plugin's schema (defaults
 * filled in). Fails, with a reason naming the field and never a value, when stored settings no longer parse.
 */
export function openInstanceRecord<S>(
  plugin: AnyChannelPlugin,
  record: ChannelInstanceRecord,
  encryptionKey: Uint8Array,
): OpenedInstance<S> {
  let opened: Record<string, unknown>;
  try {
    opened = openSecretSettings(plugin, { instanceKey: record.key, settings: record.settings, encryptionKey });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'secret settings cannot be decrypted' };
  }
  const parsed = plugin.settings.safeParse(opened);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `stored settings are invalid: ${issue?.path.join('.') || '(settings)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, instance: { ...record, settings: parsed.data as S } };
}

/** Enabled instances of one kind as stored, in creation order. */
export async function listInstanceRecords(source: InstanceSource, kind: string): Promise<ChannelInstanceRecord[]> {
  const instances = await listChannelInstances(source.db, { kind });
  return Promise.all(instances.filter((i) => i.enabled).map((i) => readInstanceRecord(source, i)));
}

/** An enabled instance as stored by key, or undefined. */
export async function findInstanceRecord(
  source: InstanceSource,
  key: ChannelInstanceKey,
): Promise<ChannelInstanceRecord | undefined> {
  const instance = await findChannelInstance(source.db, { key });
  return instance?.enabled ? readInstanceRecord(source, instance) : undefined;
}
