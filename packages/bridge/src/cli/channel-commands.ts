import { channelPluginOf, channelPlugins } from '../channels/channel-plugins.js';
import { describeChannelKinds } from '../channels/manage/describe-channel-kinds.js';
import { InstanceInputError } from '../channels/manage/instance-input-error.js';
import type { JsonSchemaNode } from '../channels/manage/settings-schema.js';
import {
  createChannelInstance,
  getManagedInstance,
  type InstanceListenersFactory,
  type InstanceWithInfo,
  listManagedInstances,
  type ManageInstancesDeps,
  removeChannelInstance,
  updateChannelInstance,
} from '../channels/manage-instances.js';
import { bridgeUrlOf } from '../config/index.js';
import { listAccounts } from '../store/accounts/index.js';
import type { Store } from '../store/store.js';
import { type CliIo, EXIT } from './cli-io.js';
import { type CommandOptions, setUp, withStore } from './commands.js';
import { SettingsOptionError, settingsFromOptions } from './parse-settings-options.js';

/** Options of the channel commands. */
export interface ChannelCommandOptions extends CommandOptions {
  readonly listenersFor?: InstanceListenersFactory | undefined;
}

async function withManagement<T>(
  options: ChannelCommandOptions,
  fn: (deps: ManageInstancesDeps) => Promise<T>,
): Promise<T> {
  const { config, log } = setUp(options, 'stderr');
  return withStore(config, log, (store) =>
    fn({
      store,
      config,
      log,
      ...(options.listenersFor ? { listeners: options.listenersFor({ store, config, log }) } : {}),
    }),
  );
}

// A refused value is bad usage (exit 2), with the option to fix named.
function refused(io: CliIo, error: unknown): number | undefined {
  if (error instanceof SettingsOptionError) {
    io.stderr(`${error.message}\n`);
    return EXIT.usage;
  }
  if (!(error instanceof InstanceInputError)) return undefined;
  const hint = error.field.startsWith('settings.') ? ` (--set ${error.field.slice(9)}=...)` : '';
  io.stderr(`${error.message}${hint}\n`);
  return error.status === 400 ? EXIT.usage : EXIT.failed;
}

async function amojoIdsOf(store: Store): Promise<Map<number, string>> {
  return new Map((await listAccounts(store.db, {})).map((account) => [account.id, account.amojoAccountId]));
}

function printInstance(io: CliIo, found: InstanceWithInfo, accounts: Map<number, string>, bridgeUrl: string): void {
  const { instance, connectionInfo } = found;
  const account = instance.accountId === null ? 'none' : (accounts.get(instance.accountId) ?? 'unknown');
  io.stdout(`instance: ${instance.key}\n`);
  io.stdout(`kind: ${instance.kind}\n`);
  io.stdout(`name: ${instance.name ?? ''}\n`);
  io.stdout(`account: ${account}\n`);
  if (instance.pipelineId !== null) io.stdout(`amoCRM pipeline: ${instance.pipelineId}\n`);
  if (!instance.enabled) io.stdout(`state: disabled\n`);
  const { health } = found;
  const since = health.since === null ? '' : ` since ${new Date(health.since).toISOString()}`;
  const problem = health.problem ? `: ${health.problem}${health.reason ? ` (${health.reason})` : ''}` : '';
  io.stdout(`health: ${health.state}${problem}${since}\n`);
  io.stdout(`settings: ${JSON.stringify(instance.settings)}\n`);
  if (instance.secretSettings.length > 0) io.stdout(`secret settings set: ${instance.secretSettings.join(', ')}\n`);
  for (const [label, value] of Object.entries(connectionInfo)) {
    io.stdout(`${label}: ${value.startsWith('/') ? bridgeUrl : ''}${value}\n`);
  }
}

/** `amojo-bridge channels add <kind> --name [--account-id] [--key] [--set key=value ...]`. */
export async function runAddChannel(
  options: ChannelCommandOptions & {
    readonly kind: string;
    readonly name: string;
    readonly accountId?: string | undefined;
    readonly key?: string | undefined;
    readonly pipelineId?: string | undefined;
    readonly sets: readonly string[];
  },
): Promise<number> {
  const { io } = options;
  const pipelineId = parsePipelineOption(options.pipelineId, false);
  if (typeof pipelineId === 'string') {
    io.stderr(`${pipelineId}\n`);
    return EXIT.usage;
  }
  const plugin = channelPluginOf(options.kind, channelPlugins);
  if (!plugin) {
    io.stderr(`unknown channel kind "${options.kind}": expected one of ${Object.keys(channelPlugins).join(', ')}\n`);
    return EXIT.usage;
  }
  try {
    const settings = settingsFromOptions(plugin, options.sets);
    return await withManagement(options, async (deps) => {
      const created = await createChannelInstance(deps, {
        kind: plugin.kind,
        name: options.name,
        accountId: options.accountId,
        key: options.key,
        settings,
        ...(pipelineId !== undefined ? { pipelineId } : {}),
      });
      printInstance(io, created, await amojoIdsOf(deps.store), bridgeUrlOf(deps.config.http));
      if (created.secret) io.stdout(`secret: ${created.secret}\n`);
      for (const note of created.notes) io.stdout(`note: ${note}\n`);
      if (created.instance.accountId === null) {
        io.stdout('note: the instance is not attached to an account (connect exactly one account first)\n');
      }
      for (const problem of created.problems) io.stderr(`warning: ${problem}\n`);
      if (created.secret) io.stdout('The secret is shown only once; store it now.\n');
      return EXIT.ok;
    });
  } catch (error) {
    const code = refused(io, error);
    if (code === undefined) throw error;
    return code;
  }
}

/** `amojo-bridge channels add-http --name --url`: the older spelling of `channels add http --set url=`. */
export async function runAddHttpChannel(
  options: ChannelCommandOptions & { readonly name: string; readonly url: string },
): Promise<number> {
  if (!/^https?:\/\/[^\s/]+/.test(options.url)) {
    options.io.stderr(`--url: expected an http(s) URL, e.g. https://example.com/amojo-events\n`);
    return EXIT.usage;
  }
  return runAddChannel({ ...options, kind: 'http', sets: [`url=${options.url}`] });
}

/** `amojo-bridge channels list [--kind] [--json]`. */
export async function runListChannels(
  options: ChannelCommandOptions & { readonly kind?: string | undefined; readonly json?: boolean | undefined },
): Promise<number> {
  const { io } = options;
  return withManagement(options, async (deps) => {
    const found = await listManagedInstances(deps, { kind: options.kind });
    if (options.json) {
      io.stdout(
        `${JSON.stringify(
          found.map(({ instance, connectionInfo, health }) => ({ ...instance, connectionInfo, health })),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    if (found.length === 0) {
      io.stdout('no channel instances (create one with: amojo-bridge channels add <kind> --name <name>)\n');
      return EXIT.ok;
    }
    const accounts = await amojoIdsOf(deps.store);
    found.forEach((entry, index) => {
      if (index > 0) io.stdout('\n');
      printInstance(io, entry, accounts, bridgeUrlOf(deps.config.http));
    });
    return EXIT.ok;
  });
}

/** `amojo-bridge channels update <key> [--name] [--account-id | --detach] [--set ...] [--unset ...] [--enable | --disable]`. */
export async function runUpdateChannel(
  options: ChannelCommandOptions & {
    readonly key: string;
    readonly name?: string | undefined;
    readonly accountId?: string | undefined;
    readonly detach?: boolean | undefined;
    readonly pipelineId?: string | undefined;
    readonly sets: readonly string[];
    readonly unsets: readonly string[];
    readonly enabled?: boolean | undefined;
    readonly rotateSecret?: boolean | undefined;
  },
): Promise<number> {
  const { io } = options;
  if (options.detach && options.accountId !== undefined) {
    io.stderr('--detach and --account-id exclude each other\n');
    return EXIT.usage;
  }
  const pipelineId = parsePipelineOption(options.pipelineId, true);
  if (typeof pipelineId === 'string') {
    io.stderr(`${pipelineId}\n`);
    return EXIT.usage;
  }
  try {
    return await withManagement(options, async (deps) => {
      const current = await getManagedInstance(deps, options.key);
      const plugin = channelPluginOf(current.instance.kind, channelPlugins);
      const changesSettings = options.sets.length > 0 || options.unsets.length > 0;
      const settings =
        plugin && changesSettings ? settingsFromOptions(plugin, options.sets, options.unsets) : undefined;
      const updated = await updateChannelInstance(deps, options.key, {
        name: options.name,
        accountId: options.detach ? null : options.accountId,
        settings,
        enabled: options.enabled,
        pipelineId,
        rotateSecret: options.rotateSecret,
      });
      printInstance(io, updated, await amojoIdsOf(deps.store), bridgeUrlOf(deps.config.http));
      if (updated.secret) io.stdout(`secret: ${updated.secret}\n`);
      for (const note of updated.notes) io.stdout(`note: ${note}\n`);
      for (const problem of updated.problems) io.stderr(`warning: ${problem}\n`);
      if (updated.secret) io.stdout('The new secret is shown only once; store it now.\n');
      return EXIT.ok;
    });
  } catch (error) {
    const code = refused(io, error);
    if (code === undefined) throw error;
    return code;
  }
}

/** `amojo-bridge channels remove <key>`: says what happens to the conversations that lose their messenger. */
export async function runRemoveChannel(options: ChannelCommandOptions & { readonly key: string }): Promise<number> {
  const { io } = options;
  try {
    return await withManagement(options, async (deps) => {
      const removed = await removeChannelInstance(deps, options.key);
      io.stdout(`removed ${removed.instance.kind} instance ${removed.instance.key}\n`);
      if (removed.note) io.stdout(`note: ${removed.note}\n`);
      for (const problem of removed.problems) io.stderr(`warning: ${problem}\n`);
      return EXIT.ok;
    });
  } catch (error) {
    const code = refused(io, error);
    if (code === undefined) throw error;
    return code;
  }
}

/** `amojo-bridge channels kinds`: every kind with its settings (from the plugin's schema). */
export function runListKinds(options: { readonly io: CliIo }): number {
  const { io } = options;
  for (const description of describeChannelKinds(channelPlugins)) {
    io.stdout(`${description.kind}: ${description.title}\n  ${description.description}\n  settings:\n`);
    for (const line of settingLines(description.settings, description.secretSettings)) io.stdout(`    ${line}\n`);
    io.stdout('\n');
  }
  return EXIT.ok;
}

function settingLines(schema: JsonSchemaNode, secret: readonly string[], prefix = ''): string[] {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, node]) => {
    const name = `${prefix}${key}`;
    if (node.deprecated === true) return [];
    if (node.properties) return settingLines(node, [], `${name}.`);
    const type = typeof node.type === 'string' ? node.type : (node.anyOf ?? []).map((o) => o.type).join(' | ');
    const flags = [
      required.has(key) && node.default === undefined ? 'required' : undefined,
      secret.includes(key) ? 'secret' : undefined,
      node.default !== undefined ? `default ${JSON.stringify(node.default)}` : undefined,
    ].filter(Boolean);
    const about = typeof node.description === 'string' ? ` - ${node.description}` : '';
    return [`${name} (${[type || 'value', ...flags].join(', ')})${about}`];
  });
}

/** `--pipeline-id`: a positive integer (or `none` on update, to clear it); a string is the message for bad input. */
function parsePipelineOption(value: string | undefined, allowNone: boolean): number | null | undefined | string {
  if (value === undefined) return undefined;
  if (allowNone && value === 'none') return null;
  if (/^[1-9][0-9]{0,15}$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return `--pipeline-id: expected the id of an amoCRM pipeline, a positive integer${allowNone ? ', or none' : ''}`;
}
