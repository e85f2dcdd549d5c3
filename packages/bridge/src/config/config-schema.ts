import { z } from 'zod';
import { setting } from './setting.js';
import { databaseUrl, encryptionKey, httpUrl, integer, nonEmpty, optional, uuidLike } from './setting-values.js';

/** Log levels accepted by `LOG_LEVEL` (pino's names plus `silent`). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const between = (min: number, max: number, unit?: string) =>
  `an integer${unit ? ` number of ${unit}` : ''} between ${min} and ${max}`;

// One setting per integer knob: the range is written once, for the schema and the error message.
const int = (
  min: number,
  max: number,
  fallback: number,
  meta: { env: string; key: string; unit?: string; description: string },
) =>
  setting(integer(min, max).default(fallback), {
    env: meta.env,
    key: meta.key,
    expected: between(min, max, meta.unit),
    description: meta.description,
  });

const MIB = 1024 * 1024;

/** The amojo channel the bridge acts as (issued by amoCRM support at channel registration). */
export const channelSection = z.object({
  id: setting(uuidLike, {
    env: 'AMOJO_CHANNEL_ID',
    key: 'channelId',
    expected: 'the channel id, a UUID',
    description: 'channel UUID issued by amoCRM support',
  }),
  secret: setting(nonEmpty, {
    env: 'AMOJO_CHANNEL_SECRET',
    key: 'channelSecret',
    expected: 'the channel secret issued by amoCRM, a non-empty string',
    description: 'channel secret (HMAC key of requests and hooks); never logged',
  }),
  botId: setting(optional(nonEmpty), {
    env: 'AMOJO_CHANNEL_BOT_ID',
    key: 'channelBotId',
    expected: 'the channel bot id, a string',
    description: 'amojo id of the channel bot',
  }),
  botName: setting(optional(nonEmpty), {
    env: 'AMOJO_CHANNEL_BOT_NAME',
    key: 'channelBotName',
    expected: 'a non-empty bot name',
    description: 'its display name',
  }),
  code: setting(optional(nonEmpty), {
    env: 'AMOJO_CHANNEL_CODE',
    key: 'channelCode',
    expected: 'a channel code like amo.ext.123',
    description: "channel code such as `amo.ext.123` (a source's `origin_code`)",
  }),
});

/** Where the HTTP server listens and how the outside world reaches it. */
export const httpSection = z.object({
  host: setting(nonEmpty.default('0.0.0.0'), {
    env: 'HOST',
    key: 'host',
    expected: 'a host name or IP address to listen on',
    description: 'listen address',
  }),
  port: int(0, 65535, 8080, { env: 'PORT', key: 'port', description: 'listen port (`0` picks a free one)' }),
  publicUrl: setting(optional(httpUrl), {
    env: 'PUBLIC_URL',
    key: 'publicUrl',
    expected: 'the public http(s) URL of the bridge, e.g. https://bridge.example.com',
    description:
      "the bridge's public https address: printed hook URL, OAuth redirect; **required for webchat** (its own origin and file URLs; never taken from `Host`)",
  }),
});

/**
 * What one client may cost: how long a request, an idle connection and a kept-alive connection may last, and the
 * largest body of each route family (webchat uploads have their instance's `uploads.maxBytes`).
 */
export const limitsSection = z.object({
  requestTimeoutMs: int(1000, 3_600_000, 120_000, {
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    key: 'httpRequestTimeoutMs',
    unit: 'milliseconds',
    description: 'longest time to receive a whole request, headers and body (408 after it)',
  }),
  connectionTimeoutMs: int(1000, 3_600_000, 30_000, {
    env: 'HTTP_CONNECTION_TIMEOUT_MS',
    key: 'httpConnectionTimeoutMs',
    unit: 'milliseconds',
    description: 'a connection silent this long is closed (a stalled upload holds nothing)',
  }),
  keepAliveTimeoutMs: int(100, 600_000, 5000, {
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    key: 'httpKeepAliveTimeoutMs',
    unit: 'milliseconds',
    description: 'an idle kept-alive connection is closed after this',
  }),
  hookBodyLimitBytes: int(1024, 64 * MIB, MIB, {
    env: 'HOOK_BODY_LIMIT_BYTES',
    key: 'hookBodyLimitBytes',
    unit: 'bytes',
    description: 'largest amojo hook body (413 above it)',
  }),
  channelBodyLimitBytes: int(1024, 64 * MIB, 256 * 1024, {
    env: 'CHANNEL_BODY_LIMIT_BYTES',
    key: 'channelBodyLimitBytes',
    unit: 'bytes',
    description: 'largest http channel customer event (413 above it)',
  }),
  adminBodyLimitBytes: int(1024, 64 * MIB, 64 * 1024, {
    env: 'ADMIN_BODY_LIMIT_BYTES',
    key: 'adminBodyLimitBytes',
    unit: 'bytes',
    description: "largest admin API body (413 above it); webchat uploads have their instance's `uploads.maxBytes`",
  }),
});

/** Job queue tuning. */
export const queueSection = z.object({
  concurrency: int(1, 1024, 8, {
    env: 'QUEUE_CONCURRENCY',
    key: 'queueConcurrency',
    description: 'conversations processed in parallel by one process',
  }),
  pollIntervalMs: int(10, 3_600_000, 1000, {
    env: 'QUEUE_POLL_INTERVAL_MS',
    key: 'queuePollIntervalMs',
    unit: 'milliseconds',
    description: 'idle poll interval of the worker',
  }),
  settleWindowMs: int(0, 1000, 1, {
    env: 'QUEUE_SETTLE_WINDOW_MS',
    key: 'queueSettleWindowMs',
    unit: 'milliseconds',
    description: 'how long a finished job waits for others still running, so they share one commit; 0: at once',
  }),
  leaseMs: int(1000, 86_400_000, 60_000, {
    env: 'QUEUE_LEASE_MS',
    key: 'queueLeaseMs',
    unit: 'milliseconds',
    description: 'after this long a job claimed by a crashed process is claimable again',
  }),
});

/** Group commit: inbound events and hooks that arrive together share one transaction (one fsync). */
export const batcherSection = z.object({
  maxBatch: int(1, 10_000, 64, {
    env: 'COMMIT_BATCH_MAX',
    key: 'commitBatchMax',
    description: 'most inbound events or hooks committed in one transaction',
  }),
  maxWaitMs: int(0, 1000, 2, {
    env: 'COMMIT_BATCH_WAIT_MS',
    key: 'commitBatchWaitMs',
    unit: 'milliseconds',
    description: 'how long the first event of an idle batch waits for company before it commits',
  }),
});

/** Retention of finished rows and how often the maintenance task removes what is past it. */
export const maintenanceSection = z.object({
  jobRetentionHours: int(1, 87_600, 72, {
    env: 'JOB_RETENTION_HOURS',
    key: 'jobRetentionHours',
    unit: 'hours',
    description:
      '`done` and `discarded` jobs are deleted this long after they finished; `queued`, `running` and `dead` jobs never are',
  }),
  hookRetentionDays: int(1, 3650, 30, {
    env: 'HOOK_RETENTION_DAYS',
    key: 'hookRetentionDays',
    unit: 'days',
    description:
      'hook log rows older than this are deleted once their job is gone or finished (hooks of `queued`, `running`, `dead` jobs stay)',
  }),
  uploadRetentionDays: int(1, 3650, 90, {
    env: 'UPLOAD_RETENTION_DAYS',
    key: 'uploadRetentionDays',
    unit: 'days',
    description: 'webchat uploads older than this are deleted unless a message of this period sends them',
  }),
  intervalMs: int(1000, 86_400_000, 600_000, {
    env: 'MAINTENANCE_INTERVAL_MS',
    key: 'maintenanceIntervalMs',
    unit: 'milliseconds',
    description:
      'time between two maintenance rounds, which delete what is past the retentions above in batches of 500 rows',
  }),
});

/** Outbound recovery of manager messages whose hooks never arrived (`pipelines/outbound-recovery`). */
export const recoverySection = z.object({
  intervalMs: int(1000, 86_400_000, 60_000, {
    env: 'RECOVERY_INTERVAL_MS',
    key: 'recoveryIntervalMs',
    unit: 'milliseconds',
    description:
      'time between two rounds of outbound recovery: the event feed of each account with OAuth tokens, else a scan',
  }),
  scanChatsPerRound: int(1, 100_000, 100, {
    env: 'RECOVERY_SCAN_CHATS',
    key: 'recoveryScanChats',
    unit: 'chats',
    description:
      'chats whose history one round checks in each account without tokens, oldest-checked first (no cap on the total)',
  }),
  budgetPerRound: int(1, 1_000_000, 500, {
    env: 'RECOVERY_BUDGET',
    key: 'recoveryBudget',
    unit: 'requests',
    description:
      'requests one recovery round of one process may spend over all accounts together (feed pages, talks, scan checks); accounts it does not reach lead the next round',
  }),
  catchUpChats: int(0, 100_000, 500, {
    env: 'RECOVERY_CATCH_UP_CHATS',
    key: 'recoveryCatchUpChats',
    unit: 'chats',
    description:
      'most recently active chats checked at start, over all accounts without tokens together (within `RECOVERY_BUDGET`)',
  }),
  firstLookbackSeconds: int(60, 30 * 86_400, 3600, {
    env: 'RECOVERY_FIRST_LOOKBACK_SECONDS',
    key: 'recoveryFirstLookbackSeconds',
    unit: 'seconds',
    description: "how far back an account's first event feed read starts (later reads start where the last ended)",
  }),
  overlapSeconds: int(0, 3600, 30, {
    env: 'RECOVERY_OVERLAP_SECONDS',
    key: 'recoveryOverlapSeconds',
    unit: 'seconds',
    description: 'each event feed read starts this far before the stored position, for events amoCRM commits late',
  }),
  graceSeconds: int(0, 3600, 10, {
    env: 'RECOVERY_GRACE_SECONDS',
    key: 'recoveryGraceSeconds',
    unit: 'seconds',
    description: 'feed events younger than this are left for the next round: their hooks may still be on the way',
  }),
  startTimeoutMs: int(0, 600_000, 10_000, {
    env: 'RECOVERY_START_TIMEOUT_MS',
    key: 'recoveryStartTimeoutMs',
    unit: 'milliseconds',
    description: 'longest the start waits for the catch-up before listening (`0` listens at once)',
  }),
});

/** Knobs of the built-in channel kinds that are the same for every instance. */
export const channelsSection = z.object({
  httpPostTimeoutMs: int(100, 600_000, 10_000, {
    env: 'HTTP_CHANNEL_POST_TIMEOUT_MS',
    key: 'httpChannelPostTimeoutMs',
    unit: 'milliseconds',
    description: "timeout of one POST to an http channel instance's webhook (the job retries after it)",
  }),
  webchatStartsPerMinute: int(1, 100_000, 20, {
    env: 'WEBCHAT_STARTS_PER_MINUTE',
    key: 'webchatStartsPerMinute',
    description: 'new webchat conversations one client address may start per minute and instance',
  }),
  webchatStartBurst: int(1, 100_000, 10, {
    env: 'WEBCHAT_START_BURST',
    key: 'webchatStartBurst',
    description: 'how many of them may come at once before the per-minute rate applies',
  }),
  holdProbeMs: int(10, 3_600_000, 30_000, {
    env: 'CHANNEL_HOLD_PROBE_MS',
    key: 'channelHoldProbeMs',
    unit: 'milliseconds',
    description:
      'while an instance is broken (bad credentials, number blocked) its sends are held; one of them tries the messenger again this often',
  }),
});

/** Operator alerts when a channel instance becomes broken or recovers (`channels/health/`). */
export const alertsSection = z.object({
  url: setting(optional(httpUrl), {
    env: 'CHANNEL_ALERT_URL',
    key: 'channelAlertUrl',
    expected: 'an http(s) URL the bridge POSTs channel health alerts to (broken, recovered)',
    description:
      'where channel health alerts are POSTed (an instance became broken, or recovered); unset = only logged; never logged itself',
  }),
  secret: setting(optional(nonEmpty), {
    env: 'CHANNEL_ALERT_SECRET',
    key: 'channelAlertSecret',
    expected: 'a non-empty string: the HMAC-SHA256 key of the X-Amojo-Bridge-Signature header of alerts',
    description: "HMAC-SHA256 key of the alerts' `X-Amojo-Bridge-Signature: sha256=<hex>` header; never logged",
  }),
});

/**
 * The amoCRM integration (OAuth self-service install, widget); `loadConfig` turns it into `AmocrmConfig` when the
 * client id and secret are both set.
 */
export const amocrmSection = z.object({
  clientId: setting(optional(uuidLike), {
    env: 'AMOCRM_CLIENT_ID',
    key: 'amocrmClientId',
    expected: "the amoCRM integration's client id (ID интеграции), a UUID",
    description:
      "the amoCRM integration's id (UUID); with the secret it turns on the self-service install, tokens, sources and contact linking",
  }),
  clientSecret: setting(optional(nonEmpty), {
    env: 'AMOCRM_CLIENT_SECRET',
    key: 'amocrmClientSecret',
    expected: "the amoCRM integration's secret key (Секретный ключ), a non-empty string",
    description: "the integration's secret key (OAuth, the disabled hook's HMAC, the widget's JWT); never logged",
  }),
  redirectUri: setting(optional(httpUrl), {
    env: 'AMOCRM_REDIRECT_URI',
    key: 'amocrmRedirectUri',
    expected: "the integration's Redirect URI, default <PUBLIC_URL>/amocrm/oauth/callback",
    defaultText: '`<PUBLIC_URL>/amocrm/oauth/callback`',
    description: "the integration's Redirect URI, byte for byte as set in amoCRM",
  }),
  baseUrl: setting(optional(httpUrl), {
    env: 'AMOCRM_BASE_URL',
    key: 'amocrmBaseUrl',
    expected: 'an http(s) URL; only for the sandbox: every account REST call goes there instead of https://<referer>',
    description: "only for the sandbox: every account's REST calls go here instead of `https://<referer>`",
  }),
  widgetCode: setting(
    z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,40}$/)
      .default('amojo_bridge'),
    {
      env: 'AMOCRM_WIDGET_CODE',
      key: 'amocrmWidgetCode',
      expected: 'the widget code, 1..40 of a-z, 0-9, _',
      description: 'the widget code written into the widget archive',
    },
  ),
});

/** Every setting the bridge reads, by section, in the order the README lists them and problems are reported. */
export const bridgeSettingsSchema = z.object({
  channel: channelSection,
  amojoBaseUrl: setting(httpUrl.default('https://amojo.amocrm.ru'), {
    env: 'AMOJO_BASE_URL',
    key: 'amojoBaseUrl',
    expected: 'an http(s) URL such as https://amojo.amocrm.ru',
    description:
      "`https://amojo.amocrm.com` for legacy `.amocrm.com` accounts, `https://amojo.kommo.com` for Kommo, the sandbox's URL for local work",
  }),
  databaseUrl: setting(databaseUrl.default('sqlite:./data/amojo-bridge.sqlite'), {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    expected: 'sqlite:<file path> or postgres://user@host:port/database',
    description: '`sqlite:<path>` or `postgres://user@host:port/db`',
  }),
  http: httpSection,
  adminToken: setting(optional(z.string().trim().min(16)), {
    env: 'ADMIN_TOKEN',
    key: 'adminToken',
    expected: 'a token of at least 16 characters',
    description: 'Bearer token of the admin API (16+ characters); unset = admin API disabled (404)',
  }),
  logLevel: setting(z.enum(LOG_LEVELS).default('info'), {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    description: LOG_LEVELS.map((level) => `\`${level}\``).join(' '),
  }),
  encryptionKey: setting(optional(encryptionKey), {
    env: 'ENCRYPTION_KEY',
    key: 'encryptionKey',
    expected: 'a 32-byte key as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)',
    defaultText: 'derived from the channel secret',
    description:
      '32-byte key (64 hex chars or base64) for secrets at rest; set it explicitly if you ever rotate the channel secret',
  }),
  limits: limitsSection,
  queue: queueSection,
  batcher: batcherSection,
  maintenance: maintenanceSection,
  recovery: recoverySection,
  channels: channelsSection,
  alerts: alertsSection,
  amocrm: amocrmSection,
});
