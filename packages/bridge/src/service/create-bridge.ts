import type { AmojoClient, Fetch } from '@amojo-bridge/sdk';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { registerAdminApi } from '../admin/index.js';
import {
  type AmocrmDeps,
  registerAmocrmRoutes,
  restClientForAccount,
  scheduleTokenRefresh,
  sourceSyncListeners,
  type TokenRefreshSchedule,
} from '../amocrm/index.js';
import { createAmojoClient } from '../amojo/create-amojo-client.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { combineInstanceListeners } from '../channels/combine-instance-listeners.js';
import { channelHealthRows } from '../channels/health/index.js';
import { channelPlugins, createChannelRegistry } from '../channels/index.js';
import type { InstanceListenersFactory } from '../channels/manage-instances.js';
import { type BridgeConfig, bridgeUrlOf } from '../config/index.js';
import { registerErrorReply } from '../http/register-error-reply.js';
import { registerImportFileRoutes } from '../import/index.js';
import { registerHookIntake } from '../intake/index.js';
import { createLogger, type Logger } from '../log.js';
import { type BridgeMetrics, createMetrics } from '../metrics/index.js';
import {
  createOutboundRecovery,
  createPipelineHandlers,
  type OutboundRecoveryOptions,
  recoveryOptionsFromConfig,
} from '../pipelines/index.js';
import { createCommitBatcher, createWorker, queueStats } from '../queue/index.js';
import { migrate } from '../store/migrate.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { catchUpBeforeListening } from './catch-up-before-listening.js';
import { registerHealthRoutes, runReadinessChecks } from './health-routes.js';
import { createMaintenance, type Maintenance } from './maintenance.js';
import { toQueueStatRows } from './queue-stat-rows.js';
import { createReadinessChecks } from './readiness-checks.js';
import { refuseNulUrls } from './refuse-nul-urls.js';
import type { RelayDeps } from './relay-deps.js';
import { withTimeout } from './with-timeout.js';

/** Options of {@link createBridge}. */
export interface CreateBridgeOptions {
  readonly config: BridgeConfig;
  /** Defaults to a pino logger at `config.logLevel` writing to stdout. */
  readonly log?: Logger;
  /** `fetch` for amojo, amoCRM, channel and alert calls; tests may inject one, production uses the SDK transport or the global. */
  readonly fetch?: Fetch;
  readonly now?: () => Date;
  /** Longest `stop()` waits for in-flight jobs before closing the database anyway, ms. Default 15 000. */
  readonly stopTimeoutMs?: number;
  /**
   * Longest `start()` waits for outbound recovery's start-up catch-up before listening, ms. Default
   * `config.recovery.startTimeoutMs` (`RECOVERY_START_TIMEOUT_MS`, 10 000); 0 listens at once. See `start()` for why.
   */
  readonly startReconcileTimeoutMs?: number;
  /** What this process is, recorded in the SQLite lock file (`<file>.lock`); default `amojo-bridge`. */
  readonly owner?: string;
  /**
   * Overrides of outbound recovery (defaults from `config.recovery`). `restClientFor` gives the account's REST
   * client for the event feed; the default is `amocrm/rest-client-for-account.ts` when the amoCRM integration is
   * configured (`AMOCRM_CLIENT_ID`), else none (every account is scanned).
   */
  readonly recovery?: OutboundRecoveryOptions;
  /**
   * Run after the admin API creates, updates or removes a channel instance (`channels/manage-instances.ts`), e.g. to
   * keep the account's amoCRM sources in step. The CLI's `channels` commands take the same listeners.
   */
  readonly instanceListeners?: InstanceListenersFactory;
  /**
   * How often the bridge re-reads the channel instances, ms: adapters of instances created, changed or removed by
   * another process (the CLI) start or stop within this time. Default 30 000; 0 turns it off.
   */
  readonly channelSyncIntervalMs?: number;
}

/**
 * A running (or ready to run) bridge: its HTTP app, store and life cycle, and what it runs on (configuration, amojo
 * client, channels, log, clock). It can be passed as it is to the helpers embedding code calls
 * (`connectAccount(bridge, ...)`, each channel kind's `add...Channel(bridge, ...)`, `restClientForAccount(bridge,
 * ...)`), each of which declares the few members it uses.
 */
export interface Bridge {
  /** The Fastify app with every route registered; usable with `inject()` before `start()`. */
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly metrics: BridgeMetrics;
  /** The validated configuration the bridge was created with. */
  readonly config: BridgeConfig;
  /** The amojo client every amojo call of this bridge goes through (signed, retried, counted). */
  readonly amojo: AmojoClient;
  /** The running channels: their kinds, each kind's runtime, and `reload(key)` of one changed instance. */
  readonly channels: Pick<ChannelRegistry, 'kinds' | 'runtimeOf' | 'reload'>;
  readonly log: Logger;
  /** The clock the bridge runs on (`CreateBridgeOptions.now`). */
  readonly now: () => Date;
  /** Pruning of finished jobs, the old hook log and unreferenced visitor uploads; scheduled by `start()`. */
  readonly maintenance: Maintenance;
  /**
   * Starts the worker and the maintenance schedule, runs outbound recovery's start-up catch-up (bounded by
   * `startReconcileTimeoutMs`), starts its rounds, then listens on `config.http`; resolves with the URL. Waiting
   * first keeps order after downtime: manager messages whose hooks were lost while the bridge was down are queued
   * before any hook that arrives after the restart.
   */
  start(): Promise<string>;
  /**
   * Graceful stop: stop accepting requests (in-flight ones finish), stop recovery rounds and maintenance, let
   * in-flight jobs finish (bounded by `stopTimeoutMs`), stop channels, close the database. Safe to call twice.
   */
  stop(): Promise<void>;
  /** Where the bridge listens, e.g. `http://127.0.0.1:8080`; empty before `start()`. */
  readonly url: string;
}

/**
 * Assembles the bridge: opens the store and migrates it, builds metrics, the amojo client, channels, the commit
 * batcher, the hook intake, every channel plugin's routes, admin API, `/healthz`, `/readyz`, `/metrics` and the worker.
 * Nothing listens or runs until `start()`.
 *
 * @example
 * const bridge = await createBridge({ config: loadConfig({ env: process.env }) });
 * console.log(await bridge.start());
 */
export async function createBridge(options: CreateBridgeOptions): Promise<Bridge> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logLevel });
  const now = options.now ?? (() => new Date());
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const startReconcileTimeoutMs = options.startReconcileTimeoutMs ?? config.recovery.startTimeoutMs;
  const channelSyncIntervalMs = options.channelSyncIntervalMs ?? 30_000;

  // On SQLite the service owns its file: a second bridge (or demo) on it is refused, naming the holder's pid.
  const store = openStore({
    databaseUrl: config.databaseUrl,
    log: log.child({ component: 'store' }),
    owner: options.owner ?? 'amojo-bridge',
  });
  try {
    await migrate(store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }

  const metrics = createMetrics();
  metrics.collectQueue(async () => toQueueStatRows(await queueStats(store, { now: now().getTime() })));
  metrics.collectChannelHealth(() => channelHealthRows(store.db));

  const amojo = createAmojoClient({ config, log, metrics, now, ...(options.fetch ? { fetch: options.fetch } : {}) });
  // Every channel kind comes from the plugin registry; each gets one runtime whose `receive` is the inbound
  // transaction below.
  const channels = createChannelRegistry({
    plugins: channelPlugins,
    store,
    databaseUrl: config.databaseUrl,
    encryptionKey: config.encryptionKey,
    log,
    now,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    publicUrl: config.http.publicUrl,
    bridgeUrl: bridgeUrlOf(config.http),
    bodyLimitBytes: config.limits.channelBodyLimitBytes,
    tuning: config.channels,
  });
  const batcher = createCommitBatcher(store, config.batcher);
  const deps: RelayDeps = {
    config,
    store,
    amojo,
    channels,
    metrics,
    log,
    batcher,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };

  const httpLog: FastifyBaseLogger = log.child({ component: 'http' });
  // Per-request lines would be one or two per hook; components log typed events (hook accepted, job failed) instead.
  // Without timeouts a client that stalls mid-body holds its connection (and what was read of the body) forever.
  const app: FastifyInstance = Fastify({
    loggerInstance: httpLog,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: config.limits.requestTimeoutMs,
    connectionTimeout: config.limits.connectionTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    bodyLimit: config.limits.adminBodyLimitBytes,
  });
  // One answer per failure for every route family; a scope states only what it answers differently.
  registerErrorReply(app);
  refuseNulUrls(app);
  await registerHookIntake(app, deps, { bodyLimit: config.limits.hookBodyLimitBytes });
  await channels.registerRoutes(app);
  const amocrmDeps: AmocrmDeps | undefined = config.amocrm ? deps : undefined;
  if (amocrmDeps) await registerAmocrmRoutes(app, amocrmDeps);
  // Sources follow instances: every instance change made through the admin API syncs the account's amoCRM sources.
  const listeners = combineInstanceListeners(
    amocrmDeps ? sourceSyncListeners(amocrmDeps) : undefined,
    options.instanceListeners?.({ store, config, log }),
  );
  await registerAdminApi(
    app,
    {
      ...deps,
      ...(listeners ? { listeners } : {}),
    },
    // The dashboard's health summary reads the same checks and instruments as /readyz and /metrics (defined below).
    { amocrm: amocrmDeps, health: { readiness: () => runReadinessChecks(readinessChecks), metrics } },
  );
  registerImportFileRoutes(app, deps);

  // Accounts with working OAuth tokens are recovered through their event feed; the others are scanned.
  const recovery = createOutboundRecovery(deps, {
    ...recoveryOptionsFromConfig(config.recovery),
    ...(amocrmDeps ? { restClientFor: (account) => restClientForAccount(amocrmDeps, account) } : {}),
    ...options.recovery,
  });
  const worker = createWorker({
    store,
    handlers: createPipelineHandlers(deps, { recovery }),
    concurrency: config.queue.concurrency,
    pollIntervalMs: config.queue.pollIntervalMs,
    settleWindowMs: config.queue.settleWindowMs,
    leaseMs: config.queue.leaseMs,
    log: log.child({ component: 'worker' }),
  });
  let workerRunning = false;
  const maintenance = createMaintenance({
    db: store.db,
    log: log.child({ component: 'maintenance' }),
    metrics,
    now,
    ...config.maintenance,
  });
  const readinessChecks = createReadinessChecks({ store, now, workerRunning: () => workerRunning });
  registerHealthRoutes(app, { metrics, checks: readinessChecks });

  let url = '';
  let channelSync: NodeJS.Timeout | undefined;
  let tokenRefresh: TokenRefreshSchedule | undefined;
  let stopping: Promise<void> | undefined;

  const stop = async (): Promise<void> => {
    const started = Date.now();
    clearInterval(channelSync);
    log.info({ event: 'bridge_stopping' }, 'stopping: no new requests, finishing in-flight work');
    // Intake first: requests already being handled finish (their commits land), new connections are refused.
    await app.close();
    await recovery.stop();
    await tokenRefresh?.stop();
    await maintenance.stop();
    workerRunning = false;
    const drained = await withTimeout(worker.stop(), stopTimeoutMs);
    if (!drained) {
      log.warn({ event: 'bridge_stop_timeout', timeoutMs: stopTimeoutMs }, 'in-flight jobs did not finish in time');
    }
    await channels.stopAll();
    await batcher.flush();
    await store.close();
    log.info({ event: 'bridge_stopped', ms: Date.now() - started }, 'stopped');
  };

  return {
    app,
    store,
    metrics,
    config,
    amojo,
    channels,
    log,
    now,
    maintenance,
    get url() {
      return url;
    },
    async start() {
      await channels.sync();
      if (channelSyncIntervalMs > 0) {
        channelSync = setInterval(() => {
          channels.sync().catch((error: unknown) => log.warn({ err: error }, 'channel instances not re-read'));
        }, channelSyncIntervalMs);
        channelSync.unref();
      }
      worker.start();
      workerRunning = true;
      if (amocrmDeps) tokenRefresh = scheduleTokenRefresh(amocrmDeps);
      maintenance.start();
      await catchUpBeforeListening(recovery, { timeoutMs: startReconcileTimeoutMs, log });
      recovery.start();
      url = await app.listen({ host: config.http.host, port: config.http.port });
      log.info({ event: 'bridge_started', url, database: store.dialect }, 'bridge listening');
      return url;
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
