import type { AmojoClient } from '@amojo-bridge/sdk';
import { connectAccount } from '../accounts/connect-account.js';
import { disconnectAccount } from '../accounts/disconnect-account.js';
import { createAmojoClient } from '../amojo/create-amojo-client.js';
import type { InstanceListenersFactory } from '../channels/manage-instances.js';
import { type BridgeConfig, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../log.js';
import { discardJob } from '../pipelines/discard-job.js';
import { createBridge } from '../service/create-bridge.js';
import { asAmojoAccountId, asJobId } from '../store/ids.js';
import { migrate } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { type CliIo, EXIT } from './cli-io.js';

/** Options every command gets: where output goes and the `--config` file. */
export interface CommandOptions {
  readonly io: CliIo;
  readonly file: string | undefined;
}

// Logs of one-shot commands go to stderr so stdout carries only the answer (scripts parse it); `start` logs to
// stdout like any service.
export function setUp(options: CommandOptions, logTo: 'stdout' | 'stderr'): { config: BridgeConfig; log: Logger } {
  const config = loadConfig({ env: options.io.env, file: options.file });
  const write = logTo === 'stdout' ? options.io.stdout : options.io.stderr;
  const log = createLogger({ level: config.logLevel, destination: { write } });
  return { config, log };
}

export async function withStore<T>(config: BridgeConfig, log: Logger, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore({ databaseUrl: config.databaseUrl, log: log.child({ component: 'store' }) });
  try {
    await migrate(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

function amojoFor(config: BridgeConfig, log: Logger): AmojoClient {
  return createAmojoClient({ config, log });
}

/** The hook URL pattern to register with amoCRM support, from `PUBLIC_URL` when set. */
export function hookUrlOf(config: BridgeConfig, scopeId = ':scope_id'): string {
  const base = config.http.publicUrl ?? 'https://<public address of the bridge>';
  return `${base}/hooks/amojo/${scopeId}`;
}

/** `amojo-bridge start`: runs until SIGINT/SIGTERM, then stops gracefully. */
export async function runStart(
  options: CommandOptions & { readonly listenersFor?: InstanceListenersFactory | undefined },
): Promise<void> {
  const { config, log } = setUp(options, 'stdout');
  const bridge = await createBridge({
    config,
    log,
    owner: 'amojo-bridge start',
    ...(options.listenersFor ? { instanceListeners: options.listenersFor } : {}),
  });
  let url: string;
  try {
    url = await bridge.start();
  } catch (error) {
    await bridge.stop().catch(() => undefined);
    throw error;
  }
  const { io } = options;
  io.stdout(`amojo-bridge listening on ${url}\n`);
  io.stdout(`hook URL: ${hookUrlOf(config)}\n`);
  if (!config.http.publicUrl) io.stdout('PUBLIC_URL is not set: amojo must reach the hook URL from the internet\n');
  const signal = await new Promise<string>((resolve) => {
    io.onShutdownSignal?.(resolve);
  });
  io.stdout(`${signal}: stopping (finishing in-flight jobs)\n`);
  await bridge.stop();
  io.stdout('amojo-bridge stopped\n');
}

/** `amojo-bridge migrate`. */
export async function runMigrate(options: CommandOptions): Promise<void> {
  const { config, log } = setUp(options, 'stderr');
  const store = openStore({ databaseUrl: config.databaseUrl, log });
  try {
    const { applied } = await migrate(store);
    options.io.stdout(
      applied.length > 0
        ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n`
        : 'database is up to date\n',
    );
  } finally {
    await store.close();
  }
}

/** `amojo-bridge connect --account-id <amojo id> [--title]`. */
export async function runConnect(
  options: CommandOptions & { readonly accountId: string; readonly title: string | undefined },
): Promise<void> {
  const { config, log } = setUp(options, 'stderr');
  const account = await withStore(config, log, (store) =>
    connectAccount(
      { store, amojo: amojoFor(config, log), config, log },
      {
        accountId: asAmojoAccountId(options.accountId),
        title: options.title,
      },
    ),
  );
  options.io.stdout(`connected account ${account.amojoAccountId}\n`);
  options.io.stdout(`scope_id: ${account.scopeId}\n`);
  options.io.stdout(`hook URL to register with amoCRM support: ${hookUrlOf(config)}\n`);
}

/** `amojo-bridge disconnect --account-id <amojo id>`. */
export async function runDisconnect(options: CommandOptions & { readonly accountId: string }): Promise<void> {
  const { config, log } = setUp(options, 'stderr');
  const account = await withStore(config, log, (store) =>
    disconnectAccount(
      { store, amojo: amojoFor(config, log), config, log },
      { accountId: asAmojoAccountId(options.accountId) },
    ),
  );
  options.io.stdout(`disconnected account ${account.amojoAccountId} (scope_id ${account.scopeId})\n`);
}

/**
 * `amojo-bridge jobs discard <id> [--reason]`: gives up on a dead job (see `discardJob`); a running bridge picks up
 * the conversation's next job at its next poll. Exit 1 when the job is unknown or not dead.
 */
export async function runDiscardJob(
  options: CommandOptions & { readonly id: number; readonly reason?: string | undefined },
): Promise<number> {
  const { config, log } = setUp(options, 'stderr');
  const result = await withStore(config, log, (store) =>
    discardJob(store, { id: asJobId(options.id), reason: options.reason, now: Date.now() }),
  );
  if (result.outcome === 'not_found') {
    options.io.stderr(`amojo-bridge: no job ${options.id}\n`);
    return EXIT.failed;
  }
  if (result.outcome === 'not_dead') {
    options.io.stderr(`amojo-bridge: job ${options.id} is ${result.state}; only dead jobs can be discarded\n`);
    return EXIT.failed;
  }
  options.io.stdout(`job ${options.id} discarded (${result.job.kind})\n`);
  return EXIT.ok;
}
