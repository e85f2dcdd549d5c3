import { Command, CommanderError } from 'commander';
import { BridgeConfigError } from '../errors.js';
import { DataLockedError } from '../store/sqlite/owner-lock.js';
import { type CliIo, EXIT } from './cli-io.js';
import { runAddHttpChannel, runConnect, runDiscardJob, runDisconnect, runMigrate, runStart } from './commands.js';
import { packageVersion } from './package-version.js';

// Thrown by actions to end with an exit code after printing their own message.
class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * Runs `amojo-bridge` with `argv` (the arguments after the program name) and resolves with the exit code. Never
 * calls `process.exit`; `src/cli.ts` does, with what this returns.
 *
 * @example
 * const code = await runCli(['connect', '--account-id', id], { stdout, stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
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
    if (error instanceof BridgeConfigError || error instanceof DataLockedError) {
      io.stderr(`${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`amojo-bridge: ${message}\n`);
    return EXIT.failed;
  }
}

function buildProgram(io: CliIo): Command {
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
      await runStart({ file: options.config, io });
    });

  configure(program.command('migrate'))
    .description('apply pending database migrations and exit')
    .option(...configOption)
    .action(async (options: { config?: string }) => {
      await runMigrate({ file: options.config, io });
    });

  configure(program.command('connect'))
    .description('connect the channel to an amoCRM account and store its scope (idempotent)')
    .requiredOption('--account-id <amojo id>', "the account's amojo_id (GET /api/v4/account?with=amojo_id)")
    .option('--title <title>', 'name of the channel shown in the account')
    .option(...configOption)
    .action(async (options: { accountId: string; title?: string; config?: string }) => {
      await runConnect({ file: options.config, io, accountId: options.accountId, title: options.title });
    });

  configure(program.command('disconnect'))
    .description('disconnect the channel from an amoCRM account; its hooks stop')
    .requiredOption('--account-id <amojo id>', "the account's amojo_id")
    .option(...configOption)
    .action(async (options: { accountId: string; config?: string }) => {
      await runDisconnect({ file: options.config, io, accountId: options.accountId });
    });

  const channels = configure(program.command('channels')).description('manage channel instances');
  channels.helpCommand(true);
  configure(channels.command('add-http'))
    .description('create an http channel instance; prints its id and its secret (shown only once)')
    .requiredOption('--name <name>', 'a name for the instance')
    .requiredOption('--url <url>', 'where the bridge POSTs manager events (http or https)')
    .option(...configOption)
    .action(async (options: { name: string; url: string; config?: string }) => {
      const code = await runAddHttpChannel({ file: options.config, io, name: options.name, url: options.url });
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
      const code = await runDiscardJob({ file: options.config, io, id: Number(id), reason: options.reason });
      if (code !== EXIT.ok) throw new CliExit(code);
    });

  return program;
}
