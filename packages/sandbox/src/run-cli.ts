import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { scopeIdOf } from '@amojo-bridge/sdk';
import { type ChannelConfig, defaultDemoConfig, type SandboxOptions } from './config.js';
import { type FaultSettingsInput, normalizeFaults } from './faults/fault-settings.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';

/** The CLI's port when `--port` is not given: fixed, so the printed URLs stay the same from run to run. */
export const DEFAULT_CLI_PORT = 4080;

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Outcome of {@link runCli}: an exit code, and the running sandbox when it started. */
export interface CliResult {
  readonly exitCode: number;
  readonly sandbox?: Sandbox;
}

const HELP = `Usage: amojo-sandbox [options]

A local amoCRM Chats API (amojo) + REST v4 emulator with a manager inbox.
With no options it starts a demo setup and prints every id, secret and URL you need.

Options:
  --port <n>                 port to listen on (default 4080; 0 = any free port)
  --host <host>              host to listen on (default 127.0.0.1)
  --channel-id <uuid>        channel id (default: the demo channel's)
  --channel-secret <secret>  channel secret used for request and hook signatures
  --channel-name <name>      channel name (default title of new connections)
  --account-id <uuid>        account amojo id
  --hook-url <url>           hook URL with the literal :scope_id marker
  --max-date-skew <seconds>  allowed Date header skew (default 900, as amojo)
  --no-hook-newline          send hook bodies without the unsigned trailing newline real amojo appends
  --state-file <file.json>   keep chats, messages, CRM data and uploads in this file across restarts
  --config <file.json>       full configuration, same shape as startSandbox() options; flags override it
  --hook-drop-rate <0..1>    share of hooks dropped (logged, never sent)
  --hook-delay-ms <n|min-max> delay before each hook
  --api-failure-rate <0..1>  share of API calls answered 500/502/429
  --api-hang-rate <0..1>     share of API calls held and then answered 504
  --help                     show this help
`;

class CliUsageError extends Error {}

function numberFlag(
  name: string,
  raw: string | undefined,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || !check(value))
    throw new CliUsageError(`--${name} must be ${what} (got "${raw}")`);
  return value;
}

function delayFlag(raw: string | undefined): number | readonly [number, number] | undefined {
  if (raw === undefined) return undefined;
  const range = /^(\d+)\s*[-,]\s*(\d+)$/.exec(raw);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    if (max < min) throw new CliUsageError(`--hook-delay-ms range must be min-max with min <= max (got "${raw}")`);
    return [min, max];
  }
  return numberFlag('hook-delay-ms', raw, (n) => n >= 0, 'a number of ms >= 0 or a range like 100-2000');
}

async function loadConfig(path: string): Promise<SandboxOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`--config: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliUsageError(`--config: ${path} is not valid JSON`);
  }
  const config = parsed as Partial<SandboxOptions>;
  if (!config || typeof config !== 'object' || !Array.isArray(config.channels) || !Array.isArray(config.accounts)) {
    throw new CliUsageError(`--config: ${path} needs "channels" and "accounts" arrays`);
  }
  return config as SandboxOptions;
}

type Values = Record<string, string | boolean | undefined>;

async function buildOptions(values: Values): Promise<SandboxOptions> {
  const str = (name: string) => values[name] as string | undefined;
  const base = str('config') ? await loadConfig(str('config')!) : defaultDemoConfig();
  const port = numberFlag(
    'port',
    str('port'),
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'an integer 0..65535',
  );
  const stateFile = str('state-file');
  if (stateFile !== undefined && stateFile.trim() === '') throw new CliUsageError('--state-file must not be empty');
  const skew = numberFlag(
    'max-date-skew',
    str('max-date-skew'),
    (n) => Number.isInteger(n) && n > 0,
    'a positive integer of seconds',
  );
  const rate = (name: string) => numberFlag(name, str(name), (n) => n >= 0 && n <= 1, 'a number between 0 and 1');
  const channelId = str('channel-id');
  if (channelId !== undefined && (channelId === '' || /[_/]/.test(channelId))) {
    throw new CliUsageError('--channel-id must be non-empty without "_" or "/"');
  }
  const secret = str('channel-secret');
  if (secret !== undefined && secret === '') throw new CliUsageError('--channel-secret must not be empty');
  const hookUrl = str('hook-url');
  if (hookUrl !== undefined && !/^https?:\/\//.test(hookUrl))
    throw new CliUsageError('--hook-url must be an http(s) URL');
  const accountId = str('account-id');
  if (accountId !== undefined && accountId === '') throw new CliUsageError('--account-id must not be empty');

  const [first, ...otherChannels] = base.channels;
  const channels: ChannelConfig[] = first
    ? [
        {
          ...first,
          ...(channelId === undefined ? {} : { id: channelId }),
          ...(secret === undefined ? {} : { secret }),
          ...(str('channel-name') === undefined ? {} : { name: str('channel-name')! }),
          ...(hookUrl === undefined ? {} : { hookUrl }),
        },
        ...otherChannels,
      ]
    : [];
  const [firstAccount, ...otherAccounts] = base.accounts;
  const accounts = firstAccount
    ? [{ ...firstAccount, ...(accountId ? { amojoId: accountId } : {}) }, ...otherAccounts]
    : [];
  const integrations = (base.integrations ?? []).map((i) =>
    first && channelId !== undefined && i.channelId === first.id ? { ...i, channelId } : i,
  );
  const faults: FaultSettingsInput = {
    ...(base.faults ?? {}),
    ...(rate('hook-drop-rate') === undefined ? {} : { hookDropRate: rate('hook-drop-rate')! }),
    ...(delayFlag(str('hook-delay-ms')) === undefined ? {} : { hookDelayMs: delayFlag(str('hook-delay-ms'))! }),
    ...(rate('api-failure-rate') === undefined ? {} : { apiFailureRate: rate('api-failure-rate')! }),
    ...(rate('api-hang-rate') === undefined ? {} : { apiHangRate: rate('api-hang-rate')! }),
  };
  try {
    normalizeFaults(faults);
  } catch (error) {
    throw new CliUsageError(`faults: ${(error as Error).message}`);
  }
  return {
    ...base,
    channels,
    accounts,
    integrations,
    faults,
    port: port ?? base.port ?? DEFAULT_CLI_PORT,
    ...(stateFile === undefined ? {} : { stateFile }),
    ...(str('host') === undefined ? {} : { host: str('host')! }),
    ...(skew === undefined ? {} : { maxDateSkewSeconds: skew }),
    ...(values['no-hook-newline'] === true ? { hookTrailingNewline: false } : {}),
  };
}

function describe(sandbox: Sandbox, options: SandboxOptions): string {
  const url = sandbox.url;
  const lines = [
    'amoCRM sandbox (amojo emulator) is running',
    '',
    `  Inbox (manager page)  ${url}/`,
    `  Chats API base URL    ${url}   (POST ${url}/v2/origin/custom/...)`,
    `  REST v4 / OAuth       ${url}/api/v4/...   ${url}/oauth2/access_token`,
    `  Control API           ${url}/_sandbox/api   (events: ${url}/_sandbox/api/events)`,
  ];
  for (const c of options.channels) {
    lines.push('', `Channel "${c.name}"`, `  channel id      ${c.id}`, `  channel secret  ${c.secret}`);
    if (c.code) lines.push(`  channel code    ${c.code}`);
    if (c.bot) lines.push(`  bot id          ${c.bot.id}`);
    lines.push(`  hook URL        ${c.hookUrl ?? '(none: hooks are logged as failed)'}`);
  }
  for (const a of options.accounts) {
    lines.push('', `Account "${a.name ?? a.subdomain}"`, `  amojo id        ${a.amojoId}`, `  account id      ${a.id}`);
    lines.push(`  subdomain       ${a.subdomain}`);
    for (const c of options.channels)
      lines.push(`  scope id        ${scopeIdOf(c.id, a.amojoId)}   (returned by connect)`);
    for (const u of a.users) lines.push(`  manager         ${u.name}  id ${u.id}  amojo id ${u.amojoId ?? '(none)'}`);
  }
  for (const i of options.integrations ?? []) {
    lines.push('', 'OAuth integration', `  client id       ${i.clientId}`, `  client secret   ${i.clientSecret}`);
    lines.push(`  redirect URI    ${i.redirectUri}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** The `amojo-sandbox` command as a function: parses flags, starts the sandbox and prints its ids and URLs. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  let values: Values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'channel-id': { type: 'string' },
        'channel-secret': { type: 'string' },
        'channel-name': { type: 'string' },
        'account-id': { type: 'string' },
        'hook-url': { type: 'string' },
        'max-date-skew': { type: 'string' },
        'no-hook-newline': { type: 'boolean' },
        config: { type: 'string' },
        'state-file': { type: 'string' },
        'hook-drop-rate': { type: 'string' },
        'hook-delay-ms': { type: 'string' },
        'api-failure-rate': { type: 'string' },
        'api-hang-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    io.stderr.write(`amojo-sandbox: ${(error as Error).message}\nRun amojo-sandbox --help for the options.\n`);
    return { exitCode: 2 };
  }
  if (values.help) {
    io.stdout.write(HELP);
    return { exitCode: 0 };
  }
  let options: SandboxOptions;
  try {
    options = await buildOptions(values);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr.write(`amojo-sandbox: ${error.message}\n`);
    return { exitCode: 2 };
  }
  const log = {
    warn: (obj: object, msg?: string) => io.stderr.write(`[sandbox] ${msg ?? 'warning'} ${JSON.stringify(obj)}\n`),
    error: (obj: object, msg?: string) => io.stderr.write(`[sandbox] ${msg ?? 'error'} ${JSON.stringify(obj)}\n`),
  };
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ ...options, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE' ? ` (port ${options.port} is busy: pass --port <n>, or --port 0 for any free port)` : '';
    io.stderr.write(`amojo-sandbox: could not start: ${(error as Error).message}${hint}\n`);
    // Another process owns the state file: nothing was attempted, like a usage error.
    return { exitCode: code === 'STATE_FILE_LOCKED' ? 2 : 1 };
  }
  io.stdout.write(describe(sandbox, options));
  if (options.stateFile !== undefined) io.stdout.write(`State kept in ${options.stateFile}\n\n`);
  sandbox.state.onScopeChange((scope) => {
    io.stdout.write(
      scope.connected
        ? `Connected: scope id ${scope.scopeId} (account ${scope.accountId}, hooks ${scope.hookApiVersion})\n`
        : `Disconnected: scope id ${scope.scopeId}\n`,
    );
  });
  return { exitCode: 0, sandbox };
}
