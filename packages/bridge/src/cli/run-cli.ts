import { Command, CommanderError } from 'commander';
import { sourceSyncListeners } from '../amocrm/source-sync-listeners.js';
import { createAmojoClient } from '../amojo/create-amojo-client.js';
import { channelPlugins } from '../channels/channel-plugins.js';
import { combineInstanceListeners } from '../channels/combine-instance-listeners.js';
import type { InstanceListenersFactory } from '../channels/manage-instances.js';
import { type CliIo, EXIT } from './cli-io.js';
import { packageVersion } from './package-version.js';
import { reportCliError } from './report-cli-error.js';

// Loaded by the command that needs them: `start` and the channels commands pull in the whole service (HTTP server,
// every channel's routes), about 25 MB of RSS that `amojo-bridge import` has no use for (BENCHMARKS.md, issue 13).
const commands = () => import('./commands.js');
const channelCommands = () => import('./channel-commands.js');
const widgetBuild = () => import('./widget-build.js');
const importCommand = () => import('./import-command.js');
const importInWorker = () => import('./import-in-worker.js');

// Thrown by actions to end with an exit code after printing their own message.
class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Options of {@link runCli} for embedding: what runs after the `channels` commands change an instance. */
export interface RunCliOptions {
  /** Run after `channels` commands and the admin API of `start` change an instance (`manage-instances.ts`). */
  readonly instanceListeners?: InstanceListenersFactory;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Runs `amojo-bridge` with `argv` (the arguments after the program name) and resolves with the exit code. Never
 * calls `process.exit`; `src/cli.ts` does, with what this returns.
 *
 * @example
 * const code = await runCli(['connect', '--account-id', id], { stdout, stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const program = buildProgram(io, options);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliExit) return error.exitCode;
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander refuses is bad usage, already printed.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    return reportCliError(error, io);
  }
}

// From the CLI too, sources follow instances when the amoCRM integration is configured (see sourceSyncListeners).
const amocrmSourceListeners: InstanceListenersFactory = ({ store, config, log }) =>
  config.amocrm
    ? sourceSyncListeners({
        store,
        config,
        log,
        now: () => new Date(),
        amojo: createAmojoClient({ config }),
      })
    : {};

function buildProgram(io: CliIo, cliOptions: RunCliOptions): Command {
  // The channels commands: sources follow instances, then the caller's listeners. `start` gets only the caller's:
  // createBridge adds the source sync of its own admin API itself.
  const extra = cliOptions.instanceListeners;
  const listenersFor: InstanceListenersFactory = (input) =>
    combineInstanceListeners(amocrmSourceListeners(input), extra?.(input)) ?? {};
  const configOption = ['--config <file>', 'JSON config file (environment variables override its values)'] as const;
  const program = new Command('amojo-bridge')
    .description('Durable, ordered, idempotent relay between messengers and amoCRM chats (amojo)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpCommand(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const configure = (command: Command): Command =>
    command
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .showHelpAfterError('(run with --help for usage)');

  configure(program.command('start'))
    .description('start the bridge: migrate the database, serve hooks, channels, admin API and metrics')
    .option(...configOption)
    .action(async (options: { config?: string }) => {
      await (await commands()).runStart({ file: options.config, io, listenersFor: extra });
    });

  configure(program.command('migrate'))
    .description('apply pending database migrations and exit')
    .option(...configOption)
    .action(async (options: { config?: string }) => {
      await (await commands()).runMigrate({ file: options.config, io });
    });

  configure(program.command('connect'))
    .description('connect the channel to an amoCRM account and store its scope (idempotent)')
    .requiredOption('--account-id <amojo id>', "the account's amojo_id (GET /api/v4/account?with=amojo_id)")
    .option('--title <title>', 'name of the channel shown in the account')
    .option(...configOption)
    .action(async (options: { accountId: string; title?: string; config?: string }) => {
      await (await commands()).runConnect({
        file: options.config,
        io,
        accountId: options.accountId,
        title: options.title,
      });
    });

  configure(program.command('disconnect'))
    .description('disconnect the channel from an amoCRM account; its hooks stop')
    .requiredOption('--account-id <amojo id>', "the account's amojo_id")
    .option(...configOption)
    .action(async (options: { accountId: string; config?: string }) => {
      await (await commands()).runDisconnect({ file: options.config, io, accountId: options.accountId });
    });

  const kinds = Object.keys(channelPlugins).join(', ');
  const channels = configure(program.command('channels')).description(
    `manage channel instances of every kind (${kinds})`,
  );
  channels.helpCommand(true);
  configure(channels.command('add'))
    .description(
      'create a channel instance; prints its key, what to connect (events URL, script tag) and any secret once',
    )
    .argument('<kind>', `the channel kind: ${kinds}`)
    .requiredOption('--name <name>', 'a name for the instance (also the amoCRM source name)')
    .option('--account-id <amojo id>', 'the account it serves (default: the only connected account)')
    .option('--key <key>', 'the instance key (URL segment, data-instance); random when omitted')
    .option('--pipeline-id <id>', "the amoCRM pipeline its source puts leads in (default: the account's main one)")
    .option(
      '--set <key=value>',
      'a setting, repeatable: dotted keys for nested ones, lists comma-separated (see `channels kinds`)',
      collect,
      [],
    )
    .option(...configOption)
    .addHelpText(
      'after',
      `\nExample:\n  amojo-bridge channels add webchat --name site --set origins=https://shop.example\n`,
    )
    .action(
      async (
        kind: string,
        options: {
          name: string;
          accountId?: string;
          key?: string;
          pipelineId?: string;
          set: string[];
          config?: string;
        },
      ) => {
        const code = await (await channelCommands()).runAddChannel({
          file: options.config,
          io,
          listenersFor,
          kind,
          name: options.name,
          accountId: options.accountId,
          key: options.key,
          pipelineId: options.pipelineId,
          sets: options.set,
        });
        if (code !== EXIT.ok) throw new CliExit(code);
      },
    );
  configure(channels.command('kinds'))
    .description('list the channel kinds and their settings')
    .action(async () => {
      (await channelCommands()).runListKinds({ io });
    });
  configure(channels.command('list'))
    .description('list channel instances with their settings (secrets never shown) and connection details')
    .option('--kind <kind>', 'only this kind')
    .option('--json', 'print JSON')
    .option(...configOption)
    .action(async (options: { kind?: string; json?: boolean; config?: string }) => {
      const code = await (await channelCommands()).runListChannels({
        file: options.config,
        io,
        listenersFor,
        kind: options.kind,
        json: options.json,
      });
      if (code !== EXIT.ok) throw new CliExit(code);
    });
  configure(channels.command('update'))
    .description('change an instance: name, account, settings (only those given), enabled')
    .argument('<key>', 'the instance key (see channels list)')
    .option('--name <name>', 'a new name')
    .option('--account-id <amojo id>', 'attach it to this account')
    .option('--detach', 'attach it to no account')
    .option(
      '--pipeline-id <id|none>',
      "the amoCRM pipeline of its source; none: the account's main one for new sources",
    )
    .option('--set <key=value>', 'change a setting, repeatable (secret settings are replaced)', collect, [])
    .option('--unset <key>', 'remove a setting (back to its default), repeatable', collect, [])
    .option('--enable', 'serve it again')
    .option('--disable', 'stop serving it (kept with its conversations)')
    .option('--rotate-secret', 'replace the instance secret (printed once for http)')
    .option(...configOption)
    .action(
      async (
        key: string,
        options: {
          name?: string;
          accountId?: string;
          detach?: boolean;
          pipelineId?: string;
          set: string[];
          unset: string[];
          enable?: boolean;
          disable?: boolean;
          rotateSecret?: boolean;
          config?: string;
        },
      ) => {
        if (options.enable && options.disable) {
          io.stderr('--enable and --disable exclude each other\n');
          throw new CliExit(EXIT.usage);
        }
        const code = await (await channelCommands()).runUpdateChannel({
          file: options.config,
          io,
          listenersFor,
          key,
          name: options.name,
          accountId: options.accountId,
          detach: options.detach,
          pipelineId: options.pipelineId,
          sets: options.set,
          unsets: options.unset,
          enabled: options.enable ? true : options.disable ? false : undefined,
          rotateSecret: options.rotateSecret,
        });
        if (code !== EXIT.ok) throw new CliExit(code);
      },
    );
  configure(channels.command('remove'))
    .description('remove an instance; its conversations keep their history, manager answers to them get 902')
    .argument('<key>', 'the instance key (see channels list)')
    .option(...configOption)
    .action(async (key: string, options: { config?: string }) => {
      const code = await (await channelCommands()).runRemoveChannel({ file: options.config, io, listenersFor, key });
      if (code !== EXIT.ok) throw new CliExit(code);
    });
  configure(channels.command('add-http'))
    .description('create an http channel instance (same as: channels add http --set url=<url>)')
    .requiredOption('--name <name>', 'a name for the instance')
    .requiredOption('--url <url>', 'where the bridge POSTs manager events (http or https)')
    .option(...configOption)
    .action(async (options: { name: string; url: string; config?: string }) => {
      const code = await (await channelCommands()).runAddHttpChannel({
        file: options.config,
        io,
        listenersFor,
        name: options.name,
        url: options.url,
      });
      if (code !== EXIT.ok) throw new CliExit(code);
    });

  const widget = configure(program.command('widget')).description('the amoCRM widget archive');
  widget.helpCommand(true);
  configure(widget.command('build'))
    .description('write the widget archive to upload into the amoCRM integration (manifest, i18n, logos, script.js)')
    .option('--out <file>', 'where to write the archive', 'widget.zip')
    .option('--bridge-url <url>', 'public URL of the bridge the widget posts to (default PUBLIC_URL)')
    .option('--code <code>', 'widget code (default AMOCRM_WIDGET_CODE or amojo_bridge)')
    .action(async (options: { out: string; bridgeUrl?: string; code?: string }) => {
      const code = (await widgetBuild()).runWidgetBuild({
        io,
        out: options.out,
        bridgeUrl: options.bridgeUrl,
        code: options.code,
      });
      if (code !== EXIT.ok) throw new CliExit(code);
    });

  const jobs = configure(program.command('jobs')).description('manage the job queue');
  jobs.helpCommand(true);
  configure(jobs.command('discard'))
    .description('give up on a dead job: its conversation moves on; a manager message shows as failed in amoCRM')
    .argument('<id>', 'the job id (GET /admin/api/jobs?state=dead)')
    .option('--reason <text>', 'shown to the manager in amoCRM with the failure (up to 200 characters)')
    .option(...configOption)
    .action(async (id: string, options: { reason?: string; config?: string }) => {
      if (!/^[1-9]\d{0,15}$/.test(id)) {
        io.stderr('<id>: expected a positive integer job id\n');
        throw new CliExit(EXIT.usage);
      }
      if (options.reason !== undefined && (options.reason.trim() === '' || options.reason.length > 200)) {
        io.stderr('--reason: expected 1 to 200 characters\n');
        throw new CliExit(EXIT.usage);
      }
      const code = await (await commands()).runDiscardJob({
        file: options.config,
        io,
        id: Number(id),
        reason: options.reason,
      });
      if (code !== EXIT.ok) throw new CliExit(code);
    });

  configure(program.command('import'))
    .description(
      'import existing correspondence (Telegram Desktop JSON, WhatsApp "Export chat", JSON Lines) into amoCRM',
    )
    .argument('<file>', 'result.json, a WhatsApp .txt or .zip, or a .jsonl file')
    .requiredOption('--instance <key>', 'channel instance whose amoCRM account and source receive the chats')
    .option('--format <format>', 'telegram, whatsapp or jsonl (default: detected)')
    .option('--dry-run', 'read, map and count; send nothing', false)
    .option('--map <file>', 'JSON map of manager names in the export to amoCRM user amojo ids')
    .option('--self <name>', "WhatsApp: the business's own author name (its messages are outgoing)")
    .option('--chat-key <key>', 'chat key of a single-chat export (default: the peer id or name)')
    .option('--date-order <order>', 'WhatsApp: day-first or month-first dates (default: detected)')
    .option('--concurrency <n>', 'chats sent in parallel (1-64)', '8')
    .option('--report <file>', 'write the per-message report as JSON Lines')
    .option('--max-heap-mb <n>', 'heap cap of the import thread, MB (32-16384)', '128')
    .option(...configOption)
    .action(
      async (
        file: string,
        options: {
          instance: string;
          format?: string;
          dryRun: boolean;
          map?: string;
          self?: string;
          chatKey?: string;
          dateOrder?: string;
          concurrency?: string;
          report?: string;
          maxHeapMb?: string;
          config?: string;
        },
      ) => {
        const { parseMaxHeapMb, runImportInWorker } = await importInWorker();
        const maxHeapMb = parseMaxHeapMb(options.maxHeapMb);
        if (typeof maxHeapMb === 'string') {
          io.stderr(`${maxHeapMb}\n`);
          throw new CliExit(EXIT.usage);
        }
        // The real binary runs the import in a thread with a capped heap; embedders and tests run it inline.
        const run = io.importInWorker
          ? (o: Parameters<typeof runImportInWorker>[0]) => runImportInWorker(o, maxHeapMb)
          : (await importCommand()).runImportCommand;
        const code = await run({
          io,
          file: options.config,
          source: file,
          instance: options.instance,
          format: options.format,
          dryRun: options.dryRun,
          map: options.map,
          self: options.self,
          chatKey: options.chatKey,
          dateOrder: options.dateOrder,
          concurrency: options.concurrency,
          report: options.report,
        });
        if (code !== EXIT.ok) throw new CliExit(code);
      },
    );

  return program;
}
