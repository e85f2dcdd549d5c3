import { randomBytes } from 'node:crypto';
import type { BridgeConfig, HttpConfig } from '../config/bridge-config.js';
import { bridgeUrlOf } from '../config/bridge-url.js';
import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import { findAccount, listAccounts } from '../store/accounts/index.js';
import {
  type ChannelInstance,
  findChannelInstance,
  listChannelInstances,
  upsertChannelInstance,
} from '../store/channel-instances/index.js';
import { type AccountRowId, asAmojoAccountId, asChannelInstanceKey, type ChannelInstanceKey } from '../store/ids.js';
import { deleteChannelInstance } from '../store/ops/delete-channel-instance.js';
import type { Store } from '../store/store.js';
import type { ChannelInstanceRecord } from './channel-adapter.js';
import type { AnyChannelPlugin, ChannelFetch, ChannelManagementContext } from './channel-plugin.js';
import { channelPluginOf, channelPlugins } from './channel-plugins.js';
import {
  type ChannelHealth,
  type ChannelHealthView,
  healthView,
  readChannelHealth,
  recordChannelHealth,
} from './health/index.js';
import { openSecretSettings, sealSecretSettings } from './instance-settings.js';
import { InstanceInputError } from './manage/instance-input-error.js';
import { type ManagedInstance, toManagedInstance } from './manage/managed-instance.js';
import { applyMergePatch } from './manage/merge-patch.js';
import { isPlainObject, settingsJsonSchema, unknownSetting } from './manage/settings-schema.js';
import { readInstanceRecord } from './read-instance-record.js';

/*
 * Channel instance management, the one module behind `amojo-bridge channels ...`, `/admin/api/channel-instances`
 * and the dashboard: create, list, update and remove instances of every kind, validated by the kind's plugin.
 * Secret settings and the instance secret are encrypted at rest; the instance secret of a `shown-once` kind is
 * returned by create only. Every change is announced to the lifecycle listeners after it is committed.
 */

/** What happened to an instance, as the lifecycle listeners get it (after the commit). */
export interface InstanceLifecycleEvent {
  readonly instance: ManagedInstance;
  /** The instance before an update (`onInstanceUpdated` only). */
  readonly previous?: ManagedInstance;
}

/**
 * Callbacks run after an instance is created, updated or removed, once the change is committed, in the process
 * that made it (the CLI or the bridge serving the admin API). The place for work that follows an instance: e.g.
 * creating, renaming and deleting the account's amoCRM source of the instance. Awaited one after another; a
 * rejection does not undo the change: it is logged and returned to the caller in `problems`, so the person sees it.
 * Never put a secret in the error message.
 */
export interface InstanceLifecycleListeners {
  readonly onInstanceCreated?: (event: InstanceLifecycleEvent) => Promise<void> | void;
  readonly onInstanceUpdated?: (
    event: InstanceLifecycleEvent & { readonly previous: ManagedInstance },
  ) => Promise<void> | void;
  readonly onInstanceRemoved?: (event: InstanceLifecycleEvent) => Promise<void> | void;
}

/**
 * Builds the lifecycle listeners of one process from what it opened. The one place to plug them in for the whole
 * product is `runCli(argv, io, { instanceListeners })` in `src/cli.ts`: the `channels` commands and `start` (its
 * admin API) both use it; embedding code passes it to `createBridge({ instanceListeners })`.
 */
export type InstanceListenersFactory = (input: {
  readonly store: Store;
  readonly config: BridgeConfig;
  readonly log: Logger;
}) => InstanceLifecycleListeners;

/** What instance management needs; a running `Bridge` satisfies it, and the service adds its listeners. */
export interface ManageInstancesDeps {
  readonly store: Store;
  readonly config: {
    readonly channel: { readonly id: string };
    readonly encryptionKey: Uint8Array;
    readonly http: Pick<HttpConfig, 'host' | 'port' | 'publicUrl'>;
  };
  readonly log: Logger;
  readonly now?: () => Date;
  /** `fetch` for plugin checks (Telegram `getMe`); the global one by default. */
  readonly fetch?: ChannelFetch;
  /** The kinds; `channelPlugins` by default. */
  readonly plugins?: Readonly<Record<string, AnyChannelPlugin>>;
  readonly listeners?: InstanceLifecycleListeners;
  /** In a running bridge: its adapters, so a change takes effect at once (a removed or disabled instance stops). */
  readonly channels?: { reload(instanceKey: ChannelInstanceKey): Promise<void> };
}

/** Input of {@link createChannelInstance}. */
export interface CreateChannelInstanceInput {
  readonly kind: string;
  readonly name: string;
  /** amojo id of the account; when omitted, the only connected account (or none). */
  readonly accountId?: string | undefined;
  /** The instance key; `<kind>_<random>` when omitted. */
  readonly key?: string | undefined;
  /** Settings as the plugin's schema takes them, secret settings in clear text. */
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
  /** amoCRM pipeline for the instance's source (its unsorted leads); default: the account's main pipeline. */
  readonly pipelineId?: number | null | undefined;
}

/** An instance with what the person needs to connect it. */
export interface InstanceWithInfo {
  readonly instance: ManagedInstance;
  /** The plugin's `connectionInfo` (`eventsUrl`, `snippet`, ...). */
  readonly connectionInfo: Readonly<Record<string, string>>;
  /** The instance's health (`channels/health/`). */
  readonly health: ChannelHealthView;
}

/** What a change answers. */
export interface InstanceChangeResult extends InstanceWithInfo {
  /** The plugin check's notes (e.g. which bot the token belongs to). */
  readonly notes: readonly string[];
  /** What went wrong after the change was committed (a listener, the plugin's clean-up); the change stands. */
  readonly problems: readonly string[];
}

/** What {@link createChannelInstance} answers: the instance secret only for kinds that show it once. */
export interface CreatedChannelInstance extends InstanceChangeResult {
  readonly secret?: string;
}

/** Input of {@link updateChannelInstance}: fields left out keep their value. */
export interface UpdateChannelInstanceInput {
  readonly name?: string | undefined;
  /** amojo id of the account to attach to; `null` detaches. */
  readonly accountId?: string | null | undefined;
  /** A JSON Merge Patch over the settings (`null` removes a key; secret settings given in clear text replace). */
  readonly settings?: Readonly<Record<string, unknown>> | undefined;
  readonly enabled?: boolean | undefined;
  /** amoCRM pipeline for the instance's source; `null` goes back to the account's main pipeline for new sources. */
  readonly pipelineId?: number | null | undefined;
  /**
   * Replaces the instance secret with a new random one (a leaked http signing key; visitors of a webchat then start
   * new chats, their tokens no longer verify). Returned once for kinds that show it.
   */
  readonly rotateSecret?: boolean | undefined;
}

/** What {@link updateChannelInstance} answers: a rotated secret only for kinds that show it once. */
export interface UpdatedChannelInstance extends InstanceChangeResult {
  readonly secret?: string;
}

/** What {@link removeChannelInstance} answers. */
export interface RemovedChannelInstance {
  readonly instance: ManagedInstance;
  /** Conversations of the instance: they keep their history, manager answers to them are refused (902). */
  readonly conversations: number;
  /** What happens to those conversations, for the person; empty when there are none. */
  readonly note: string;
  readonly problems: readonly string[];
}

const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/** An amoCRM pipeline id: a positive integer, or null (clear); undefined: not given. */
function checkPipelineId(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InstanceInputError('pipelineId', 'pipelineId: expected the id of an amoCRM pipeline, a positive integer');
  }
  return value;
}

/** Creates an instance of any kind. */
export async function createChannelInstance(
  deps: ManageInstancesDeps,
  input: CreateChannelInstanceInput,
): Promise<CreatedChannelInstance> {
  const plugin = pluginFor(deps, input.kind);
  const name = checkName(input.name);
  const key = asChannelInstanceKey(input.key ?? `${plugin.kind}_${randomBytes(9).toString('base64url')}`);
  if (!KEY_PATTERN.test(key)) {
    throw new InstanceInputError('key', 'key: 1-100 letters, digits, "_", "." or "-"');
  }
  if (await findChannelInstance(deps.store.db, { key })) {
    throw new InstanceInputError('key', `key: an instance ${key} exists already`, 409);
  }
  const accountRowId = await resolveAccount(deps, input.accountId);
  const pipelineId = checkPipelineId(input.pipelineId);
  const context = contextOf(deps, plugin);
  const { settings, notes } = await validateSettings(plugin, context, {
    key,
    name,
    settings: input.settings ?? {},
    creating: true,
  });
  const secret = plugin.instanceSecret === 'none' ? undefined : randomBytes(32).toString('base64url');
  const stored = await upsertChannelInstance(deps.store.db, {
    key,
    kind: plugin.kind,
    name,
    accountId: accountRowId,
    settings: sealSecretSettings(plugin, { instanceKey: key, settings, encryptionKey: deps.config.encryptionKey }),
    ...(secret ? { secret, encryptionKey: deps.config.encryptionKey } : {}),
    enabled: true,
    ...(pipelineId !== undefined ? { pipelineId } : {}),
    now: nowOf(deps),
  });
  await recordCheckPassed(deps, plugin, stored);
  const instance = toManagedInstance(plugin, stored);
  deps.log.info(
    { event: 'channel_instance_created', key, kind: plugin.kind, accountId: accountRowId },
    'channel instance created',
  );
  await deps.channels?.reload(key);
  const problems = await announce(deps, 'onInstanceCreated', { instance });
  return {
    instance,
    connectionInfo: await connectionInfoOf(deps, plugin, stored),
    health: healthView(stored.enabled, (await readChannelHealth(deps.store.db, [stored.rowId])).get(stored.rowId)),
    notes,
    problems,
    ...(secret && plugin.instanceSecret === 'shown-once' ? { secret } : {}),
  };
}

/** Lists instances (every kind, or one kind / account) in creation order. */
export async function listManagedInstances(
  deps: ManageInstancesDeps,
  filter: { readonly kind?: string | undefined; readonly accountId?: AccountRowId | undefined } = {},
): Promise<InstanceWithInfo[]> {
  const rows = await listChannelInstances(deps.store.db, filter);
  const health = await readChannelHealth(
    deps.store.db,
    rows.map((row) => row.rowId),
  );
  return Promise.all(rows.map((row) => withInfo(deps, row, health)));
}

/** One instance by key; throws {@link InstanceInputError} 404 when unknown. */
export async function getManagedInstance(deps: ManageInstancesDeps, key: string): Promise<InstanceWithInfo> {
  return withInfo(deps, await mustFind(deps, key));
}

/** Updates an instance's name, account, settings (merge patch) or enabled flag. */
export async function updateChannelInstance(
  deps: ManageInstancesDeps,
  key: string,
  input: UpdateChannelInstanceInput,
): Promise<UpdatedChannelInstance> {
  const existing = await mustFind(deps, key);
  const plugin = pluginFor(deps, existing.kind);
  if (input.rotateSecret && plugin.instanceSecret === 'none') {
    throw new InstanceInputError('rotateSecret', `rotateSecret: a ${plugin.kind} instance has no secret`);
  }
  const secret = input.rotateSecret ? randomBytes(32).toString('base64url') : undefined;
  const name = input.name === undefined ? undefined : checkName(input.name);
  const pipelineId = checkPipelineId(input.pipelineId);
  const accountRowId =
    input.accountId === undefined
      ? undefined
      : input.accountId === null
        ? null
        : await resolveAccount(deps, input.accountId);
  let sealed: Record<string, unknown> | undefined;
  let notes: readonly string[] = [];
  if (input.settings !== undefined) {
    if (!isPlainObject(input.settings)) throw new InstanceInputError('settings', 'settings: expected an object');
    const current = openSecretSettings(plugin, {
      instanceKey: key,
      settings: existing.settings,
      encryptionKey: deps.config.encryptionKey,
    });
    const merged = applyMergePatch(current, input.settings) as Record<string, unknown>;
    const validated = await validateSettings(plugin, contextOf(deps, plugin), {
      key,
      name: name ?? existing.name ?? key,
      settings: merged,
      creating: false,
    });
    notes = validated.notes;
    sealed = sealSecretSettings(plugin, {
      instanceKey: key,
      settings: validated.settings,
      encryptionKey: deps.config.encryptionKey,
    });
  }
  const stored = await upsertChannelInstance(deps.store.db, {
    key: existing.key,
    kind: existing.kind,
    name,
    accountId: accountRowId,
    settings: sealed,
    enabled: input.enabled,
    pipelineId,
    ...(secret ? { secret, encryptionKey: deps.config.encryptionKey } : {}),
    now: nowOf(deps),
  });
  if (sealed) await recordCheckPassed(deps, plugin, stored);
  await deps.channels?.reload(existing.key);
  const previous = toManagedInstance(plugin, existing);
  const instance = toManagedInstance(plugin, stored);
  deps.log.info(
    { event: 'channel_instance_updated', key, kind: existing.kind, secretRotated: Boolean(secret) },
    'channel instance updated',
  );
  const problems = await announce(deps, 'onInstanceUpdated', { instance, previous });
  return {
    instance,
    connectionInfo: await connectionInfoOf(deps, plugin, stored),
    health: healthView(stored.enabled, (await readChannelHealth(deps.store.db, [stored.rowId])).get(stored.rowId)),
    notes,
    problems,
    ...(secret && plugin.instanceSecret === 'shown-once' ? { secret } : {}),
  };
}

/**
 * Removes an instance. Its conversations and sources stay (history remains readable) but lose their messenger:
 * a manager answer in one of them is refused with delivery status -1 / 902, which amoCRM shows on the message.
 */
export async function removeChannelInstance(deps: ManageInstancesDeps, key: string): Promise<RemovedChannelInstance> {
  const existing = await mustFind(deps, key);
  const plugin = channelPluginOf(existing.kind, deps.plugins ?? channelPlugins);
  const record = await readInstanceRecord({ db: deps.store.db, encryptionKey: deps.config.encryptionKey }, existing);
  const counted = await deps.store.db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('channel_instance_id', '=', existing.rowId)
    .executeTakeFirst();
  const conversations = Number(counted?.n ?? 0);
  await deleteChannelInstance(deps.store.db, { key: existing.key });
  await deps.channels?.reload(existing.key);
  const instance = toManagedInstance(plugin, existing);
  deps.log.info(
    { event: 'channel_instance_removed', key, kind: existing.kind, conversations },
    'channel instance removed',
  );
  const problems: string[] = [];
  if (plugin?.removed) {
    try {
      const opened = openSecretSettings(plugin, {
        instanceKey: key,
        settings: record.settings,
        encryptionKey: deps.config.encryptionKey,
      });
      const parsed = plugin.settings.safeParse(opened);
      if (parsed.success) await plugin.removed({ ...record, settings: parsed.data }, contextOf(deps, plugin));
    } catch (error) {
      problems.push(problemOf(deps, `the ${existing.kind} clean-up failed`, error, key));
    }
  }
  problems.push(...(await announce(deps, 'onInstanceRemoved', { instance })));
  const note =
    conversations === 0
      ? ''
      : `${conversations} conversation(s) of ${key} keep their history; manager answers to them are refused: ` +
        'amoCRM marks them not delivered (delivery status -1, error 902, no messenger channel).';
  return { instance, conversations, note, problems };
}

/** The management context a plugin hook gets. */
export function contextOf(deps: ManageInstancesDeps, plugin: AnyChannelPlugin): ChannelManagementContext {
  return {
    log: deps.log.child({ channel: plugin.kind }),
    now: deps.now ?? (() => new Date()),
    fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
    publicUrl: deps.config.http.publicUrl,
    bridgeUrl: bridgeUrlOf(deps.config.http),
  };
}

function pluginFor(deps: ManageInstancesDeps, kind: string): AnyChannelPlugin {
  const plugins = deps.plugins ?? channelPlugins;
  const plugin = channelPluginOf(kind, plugins);
  if (!plugin) {
    const known = Object.keys(plugins)
      .map((k) => `"${k}"`)
      .join(', ');
    throw new InstanceInputError('kind', `kind: expected one of ${known}`);
  }
  return plugin;
}

function checkName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name || name.length > 200) throw new InstanceInputError('name', 'name: 1-200 characters');
  return name;
}

async function resolveAccount(
  deps: ManageInstancesDeps,
  amojoAccountId: string | undefined,
): Promise<AccountRowId | null> {
  if (amojoAccountId !== undefined) {
    const account = await findAccount(deps.store.db, {
      channelId: deps.config.channel.id,
      amojoAccountId: asAmojoAccountId(amojoAccountId),
    });
    if (!account)
      throw new BridgeError('account_unknown', `No account with amojo id ${amojoAccountId}: connect it first`);
    return account.id;
  }
  const connected = await listAccounts(deps.store.db, { state: 'connected' });
  return connected.length === 1 ? (connected[0]?.id ?? null) : null;
}

async function mustFind(deps: ManageInstancesDeps, key: string): Promise<ChannelInstance> {
  const found = KEY_PATTERN.test(key)
    ? await findChannelInstance(deps.store.db, { key: asChannelInstanceKey(key) })
    : undefined;
  if (!found) throw new InstanceInputError('key', `No channel instance ${key}`, 404);
  return found;
}

// Unknown keys are refused whatever the schema says (a typo must not be stored silently); then the schema; then the
// plugin's own check with the messenger, whose learnt settings must pass the schema too.
async function validateSettings(
  plugin: AnyChannelPlugin,
  context: ChannelManagementContext,
  candidate: { key: string; name: string; settings: Readonly<Record<string, unknown>>; creating: boolean },
): Promise<{ settings: Record<string, unknown>; notes: readonly string[] }> {
  const parse = (settings: Readonly<Record<string, unknown>>) => {
    const unknown = unknownSetting(settingsJsonSchema(plugin), settings);
    if (unknown) {
      const field = `settings.${unknown.join('.')}`;
      throw new InstanceInputError(field, `${field}: not a setting of ${plugin.kind}`);
    }
    const parsed = plugin.settings.safeParse(settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ['settings', ...(issue?.path ?? []).map(String)].join('.');
      throw new InstanceInputError(field, `${field}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data as Record<string, unknown>;
  };
  let settings = { ...candidate.settings };
  const parsed = parse(settings);
  const checked = plugin.check ? await runCheck(plugin, context, { ...candidate, settings: parsed }) : undefined;
  if (checked?.settings) {
    settings = { ...settings, ...checked.settings };
    parse(settings);
  }
  return { settings, notes: checked?.notes ?? [] };
}

async function runCheck(
  plugin: AnyChannelPlugin,
  context: ChannelManagementContext,
  candidate: { key: string; name: string; settings: Record<string, unknown>; creating: boolean },
) {
  try {
    return await plugin.check?.(candidate, context);
  } catch (error) {
    if (error instanceof BridgeError && 'field' in error && typeof error.field === 'string') {
      const field = `settings.${error.field}`;
      throw new InstanceInputError(field, `${field}: ${error.message}`, 400, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new InstanceInputError('settings', `settings: the ${plugin.kind} check failed: ${message}`, 400, {
      cause: error,
    });
  }
}

async function withInfo(
  deps: ManageInstancesDeps,
  row: ChannelInstance,
  health?: ReadonlyMap<number, ChannelHealth>,
): Promise<InstanceWithInfo> {
  const plugin = channelPluginOf(row.kind, deps.plugins ?? channelPlugins);
  const stored = health ?? (await readChannelHealth(deps.store.db, [row.rowId]));
  return {
    instance: toManagedInstance(plugin, row),
    connectionInfo: plugin ? await connectionInfoOf(deps, plugin, row) : {},
    health: healthView(row.enabled, stored.get(row.rowId)),
  };
}

// A plugin check that passed (the messenger took the credentials) is a success signal: a broken instance whose token
// was just replaced is ok again (and the recovery alert goes out), before its next send.
async function recordCheckPassed(deps: ManageInstancesDeps, plugin: AnyChannelPlugin, row: ChannelInstance) {
  if (!plugin.check) return;
  await recordChannelHealth({
    store: deps.store,
    log: deps.log,
    now: nowOf(deps),
    instance: { rowId: row.rowId, key: row.key, kind: row.kind, name: row.name },
    signal: { ok: true, source: 'check' },
  });
}

async function connectionInfoOf(
  deps: ManageInstancesDeps,
  plugin: AnyChannelPlugin,
  row: ChannelInstance,
): Promise<Readonly<Record<string, string>>> {
  if (!plugin.connectionInfo) return {};
  const record: ChannelInstanceRecord = await readInstanceRecord(
    { db: deps.store.db, encryptionKey: deps.config.encryptionKey },
    row,
  );
  try {
    const opened = openSecretSettings(plugin, {
      instanceKey: row.key,
      settings: record.settings,
      encryptionKey: deps.config.encryptionKey,
    });
    const parsed = plugin.settings.safeParse(opened);
    if (!parsed.success) return {};
    return plugin.connectionInfo({ ...record, settings: parsed.data }, contextOf(deps, plugin));
  } catch (error) {
    deps.log.warn({ err: error, instanceId: row.key }, 'connection info unavailable');
    return {};
  }
}

async function announce<E extends keyof InstanceLifecycleListeners>(
  deps: ManageInstancesDeps,
  which: E,
  event: Parameters<NonNullable<InstanceLifecycleListeners[E]>>[0],
): Promise<string[]> {
  const listener = deps.listeners?.[which] as ((event: unknown) => Promise<void> | void) | undefined;
  if (!listener) return [];
  try {
    await listener(event);
    return [];
  } catch (error) {
    return [problemOf(deps, `${which} failed`, error, event.instance.key)];
  }
}

function problemOf(deps: ManageInstancesDeps, what: string, error: unknown, key: string): string {
  const message = error instanceof Error ? error.message : String(error);
  deps.log.warn({ err: error, event: 'channel_instance_follow_up_failed', key, what }, `${what}: ${message}`);
  return `${what}: ${message}`;
}

const nowOf = (deps: ManageInstancesDeps): number => (deps.now?.() ?? new Date()).getTime();
