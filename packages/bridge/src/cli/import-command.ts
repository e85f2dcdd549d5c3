import { writeFile } from 'node:fs/promises';
import { createAmojoClient } from '../amojo/create-amojo-client.js';
import { loadConfig } from '../config/index.js';
import { accountUsersVia } from '../import/account-users.js';
import {
  formatSummary,
  IMPORT_FORMATS,
  type ImportFormat,
  lineProgress,
  type ManagerMap,
  openImportSource,
  type ProgressOutput,
  readManagerMap,
  runImport,
  terminalProgress,
} from '../import/index.js';
import { createLogger } from '../log.js';
import { asChannelInstanceKey } from '../store/ids.js';
import { migrate } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import { type CliIo, EXIT } from './cli-io.js';

/** Options of `amojo-bridge import`. */
export interface ImportCommandOptions {
  readonly io: CliIo;
  readonly file: string | undefined;
  readonly source: string;
  readonly instance: string;
  readonly format: string | undefined;
  readonly dryRun: boolean;
  readonly map: string | undefined;
  readonly self: string | undefined;
  readonly chatKey: string | undefined;
  readonly dateOrder: string | undefined;
  readonly concurrency: string | undefined;
  readonly report: string | undefined;
  /** Where progress goes; default: a bar on `io.terminal`, else plain lines on stderr. */
  readonly progress?: ProgressOutput | undefined;
}

/**
 * `amojo-bridge import <file> --instance <key>`: imports an export into the instance's amoCRM account. Exit 0 when
 * every message is in amojo or in the report, 1 when the run stopped (run it again to continue), 2 bad usage.
 */
export async function runImportCommand(options: ImportCommandOptions): Promise<number> {
  const { io } = options;
  if (options.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(options.format)) {
    io.stderr(`--format: expected one of ${IMPORT_FORMATS.join(', ')}\n`);
    return EXIT.usage;
  }
  if (options.dateOrder !== undefined && options.dateOrder !== 'day-first' && options.dateOrder !== 'month-first') {
    io.stderr('--date-order: expected day-first or month-first\n');
    return EXIT.usage;
  }
  const concurrency = options.concurrency === undefined ? 8 : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    io.stderr('--concurrency: expected an integer from 1 to 64\n');
    return EXIT.usage;
  }
  const config = loadConfig({ env: io.env, file: options.file });
  const log = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: { write: io.stderr },
  });
  let managers: ManagerMap = new Map();
  try {
    if (options.map) managers = await readManagerMap(options.map);
  } catch (error) {
    io.stderr(`--map: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  let source: Awaited<ReturnType<typeof openImportSource>>;
  try {
    source = await openImportSource(options.source, {
      format: options.format as ImportFormat | undefined,
      self: options.self,
      managerNames: new Set(managers.keys()),
      chatKey: options.chatKey,
      daysFirst: options.dateOrder === undefined ? undefined : options.dateOrder === 'day-first',
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const store = openStore({ databaseUrl: config.databaseUrl, log: log.child({ component: 'store' }) });
  const progress = options.progress ?? (io.terminal ? terminalProgress(io.terminal) : lineProgress(io.stderr));
  const abort = new AbortController();
  const unsubscribe = io.onShutdownSignal?.(() => abort.abort());
  try {
    await migrate(store);
    const amojo = createAmojoClient({ config, log });
    io.stderr(
      `importing ${source.fileName} (${source.format}) into ${options.instance}${options.dryRun ? ' (dry run)' : ''}\n`,
    );
    const summary = await runImport(
      {
        store,
        amojo,
        bot: { id: config.channel.botId, name: config.channel.botName },
        publicUrl: config.http.publicUrl,
        log,
        now: () => new Date(),
        // Managers the map file lacks are matched by name among the account's users when it has OAuth tokens.
        accountUsers: accountUsersVia({ config, store, amojo, log, now: () => new Date() }),
      },
      {
        source,
        instanceKey: asChannelInstanceKey(options.instance),
        managers,
        dryRun: options.dryRun,
        concurrency,
        signal: abort.signal,
        onProgress: (p) => progress.update(p),
      },
    );
    progress.stop();
    io.stdout(formatSummary(summary));
    if (options.report) {
      await writeFile(
        options.report,
        summary.report.map((line) => JSON.stringify(line)).join('\n') + (summary.report.length ? '\n' : ''),
      );
      io.stdout(`report: ${summary.report.length} line(s) written to ${options.report}\n`);
    } else {
      for (const line of summary.report.slice(0, 20)) io.stdout(`  ${line.kind} ${line.position}: ${line.reason}\n`);
      if (summary.report.length > 20) io.stdout(`  ... ${summary.report.length - 20} more (use --report <file>)\n`);
    }
    return EXIT.ok;
  } catch (error) {
    progress.stop();
    io.stderr(`import stopped: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    unsubscribe?.();
    source.close();
    await store.close();
  }
}
