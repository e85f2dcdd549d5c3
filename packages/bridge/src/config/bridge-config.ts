/** Log levels accepted by `LOG_LEVEL` (pino's names plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The amojo channel the bridge acts as (issued by amoCRM support at channel registration). */
export interface ChannelConfig {
  /** Channel id (UUID), `AMOJO_CHANNEL_ID`. */
  readonly id: string;
  /** Channel secret (HMAC key for request and hook signatures), `AMOJO_CHANNEL_SECRET`. Never log it. */
  readonly secret: string;
  /** amojo participant id of the channel bot, `AMOJO_CHANNEL_BOT_ID`. */
  readonly botId: string | undefined;
  /** Display name of the channel bot, `AMOJO_CHANNEL_BOT_NAME`. */
  readonly botName: string | undefined;
  /** Channel code such as `amo.ext.123` (a source's `origin_code`), `AMOJO_CHANNEL_CODE`. */
  readonly code: string | undefined;
}

/** Where the HTTP server listens and how the outside world reaches it. */
export interface HttpConfig {
  /** `HOST`, default `0.0.0.0` (amojo must reach the hook route). */
  readonly host: string;
  /** `PORT`, default 8080; 0 picks a free port. */
  readonly port: number;
  /** `PUBLIC_URL`: the bridge's address as seen from outside (hook URL, webchat script), no trailing slash. */
  readonly publicUrl: string | undefined;
}

/**
 * What one client may cost: how long a request, an idle connection and a kept-alive connection may last, and the
 * largest body of each route family (webchat uploads have their instance's `uploads.maxBytes`).
 */
export interface LimitsConfig {
  /** `HTTP_REQUEST_TIMEOUT_MS`: longest time to receive a whole request (headers and body), default 120000. */
  readonly requestTimeoutMs: number;
  /** `HTTP_CONNECTION_TIMEOUT_MS`: a connection silent this long is closed (stalled uploads), default 30000. */
  readonly connectionTimeoutMs: number;
  /** `HTTP_KEEP_ALIVE_TIMEOUT_MS`: an idle kept-alive connection is closed after this, default 5000. */
  readonly keepAliveTimeoutMs: number;
  /** `HOOK_BODY_LIMIT_BYTES`: largest amojo hook body, default 1 MiB (hooks are a few KB). */
  readonly hookBodyLimitBytes: number;
  /** `CHANNEL_BODY_LIMIT_BYTES`: largest http channel customer event, default 256 KiB (media travel as URLs). */
  readonly channelBodyLimitBytes: number;
  /** `ADMIN_BODY_LIMIT_BYTES`: largest admin API body, default 64 KiB. */
  readonly adminBodyLimitBytes: number;
}

/** Job queue tuning. */
export interface QueueConfig {
  /** `QUEUE_CONCURRENCY`: jobs (lanes) run in parallel by one process, default 8. */
  readonly concurrency: number;
  /** `QUEUE_POLL_INTERVAL_MS`: how often an idle worker looks for due jobs, default 1000. */
  readonly pollIntervalMs: number;
  /** `QUEUE_LEASE_MS`: how long a claimed job stays reserved without a lease extension, default 60000. */
  readonly leaseMs: number;
}

/** Retention of finished rows and how often the maintenance task removes what is past it. */
export interface MaintenanceConfig {
  /** `MAINTENANCE_INTERVAL_MS`: time between two maintenance rounds, default 600000 (10 minutes). */
  readonly intervalMs: number;
  /** `JOB_RETENTION_HOURS`: `done` and `discarded` jobs are deleted this long after they finished, default 72. */
  readonly jobRetentionHours: number;
  /** `HOOK_RETENTION_DAYS`: hook log rows whose job is gone or finished are deleted after this long, default 30. */
  readonly hookRetentionDays: number;
  /** `UPLOAD_RETENTION_DAYS`: webchat uploads no message of this period references are deleted, default 90. */
  readonly uploadRetentionDays: number;
}

/** Outbound recovery of manager messages whose hooks never arrived (`pipelines/outbound-recovery`). */
export interface RecoveryConfig {
  /** `RECOVERY_INTERVAL_MS`: time between two recovery rounds, default 60000. */
  readonly intervalMs: number;
  /** `RECOVERY_SCAN_CHATS`: chats checked per round in each account without OAuth tokens, default 100. */
  readonly scanChatsPerRound: number;
  /**
   * `RECOVERY_BUDGET`: feed reads and scan checks one round of one process may make over all accounts together,
   * default 500 (accounts beyond it take the next rounds, longest-waiting first).
   */
  readonly budgetPerRound: number;
  /** `RECOVERY_CATCH_UP_CHATS`: most recently active chats checked at start before listening, default 500. */
  readonly catchUpChats: number;
}

/** Operator alerts when a channel instance becomes broken or recovers (`channels/health/`). */
export interface AlertsConfig {
  /** `CHANNEL_ALERT_URL`: where alerts are POSTed (JSON); unset = alerts are only logged. Never logged itself. */
  readonly url: string | undefined;
  /** `CHANNEL_ALERT_SECRET`: HMAC-SHA256 key of the `X-Amojo-Bridge-Signature: sha256=<hex>` header; never logged. */
  readonly secret: string | undefined;
}

/**
 * The amoCRM integration (OAuth self-service install, widget). Present only when `AMOCRM_CLIENT_ID` and
 * `AMOCRM_CLIENT_SECRET` are both set; without it accounts are connected by hand and the REST side is off.
 */
export interface AmocrmConfig {
  /** `AMOCRM_CLIENT_ID`: the integration id (UUID). */
  readonly clientId: string;
  /** `AMOCRM_CLIENT_SECRET`: the integration secret (OAuth, disabled hook HMAC, widget JWT). Never log it. */
  readonly clientSecret: string;
  /** `AMOCRM_REDIRECT_URI`, default `<PUBLIC_URL>/amocrm/oauth/callback`. */
  readonly redirectUri: string;
  /** `AMOCRM_BASE_URL`: REST host for every account (the sandbox); unset = `https://<referer>` per account. */
  readonly baseUrlOverride: string | undefined;
  /** `AMOCRM_WIDGET_CODE`: the widget code shown in amoCRM, default `amojo_bridge`. */
  readonly widgetCode: string;
}

/** The bridge's validated configuration, built once at start by `loadConfig`. */
export interface BridgeConfig {
  /** The amojo channel. */
  readonly channel: ChannelConfig;
  /** `AMOJO_BASE_URL`, default `https://amojo.amocrm.ru`, no trailing slash. */
  readonly amojoBaseUrl: string;
  /** `DATABASE_URL`: `sqlite:<path>` (default `sqlite:./data/amojo-bridge.sqlite`) or `postgres://...`. */
  readonly databaseUrl: string;
  /** HTTP server. */
  readonly http: HttpConfig;
  /** `ADMIN_TOKEN` (Bearer token of the admin API); the admin API is closed when it is unset. */
  readonly adminToken: string | undefined;
  /** `LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  /**
   * 32-byte AES-256-GCM key for tokens and secrets at rest: `ENCRYPTION_KEY` (64 hex chars or base64), or, when
   * unset, derived from the channel secret with HKDF (see `encryptionKeySource`).
   */
  readonly encryptionKey: Uint8Array;
  /** Whether `encryptionKey` came from `ENCRYPTION_KEY` or was derived from the channel secret. */
  readonly encryptionKeySource: 'env' | 'derived';
  /** Timeouts and body limits of the HTTP server. */
  readonly limits: LimitsConfig;
  /** Job queue. */
  readonly queue: QueueConfig;
  /** Retention and the maintenance task. */
  readonly maintenance: MaintenanceConfig;
  /** Outbound recovery. */
  readonly recovery: RecoveryConfig;
  /** Channel health alerts. */
  readonly alerts: AlertsConfig;
  /** The amoCRM integration, when configured. */
  readonly amocrm: AmocrmConfig | undefined;
  /** Path of the config file that was read, if any. */
  readonly configFile: string | undefined;
}
