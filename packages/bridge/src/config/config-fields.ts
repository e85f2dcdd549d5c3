import { z } from 'zod';
import { LOG_LEVELS } from './bridge-config.js';

/** One configuration setting: its environment variable, its config file key, and how it is validated. */
export interface ConfigField {
  /** Environment variable name. */
  readonly env: string;
  /** Key in the JSON config file. */
  readonly key: string;
  /** Validates a raw value (string from the environment, any JSON value from the file). */
  readonly schema: z.ZodType;
  /** What a valid value looks like, for error messages. Never includes the actual value. */
  readonly expected: string;
  /** Used when neither the environment nor the file sets the value; absent means optional. */
  readonly default?: unknown;
  /** Required when true and no default exists. */
  readonly required?: boolean;
}

const integer = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\s*-?\d+\s*$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));

const httpUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/ }))
  .transform((url) => url.replace(/\/+$/, ''));

const nonEmpty = z.string().trim().min(1);

// UUID-shaped (8-4-4-4-12 hex) without insisting on an RFC version: amoCRM ids are not all v4.
const uuidLike = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const databaseUrl = z
  .string()
  .trim()
  .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/);

// 32 bytes, as 64 hex characters or as base64 (44 characters with padding).
const encryptionKey = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const bytes = /^[0-9a-f]{64}$/i.test(value)
      ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/]{43}=?$/.test(value)
        ? Buffer.from(value, 'base64')
        : undefined;
    if (bytes?.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'not a 32-byte key' });
      return z.NEVER;
    }
    return new Uint8Array(bytes);
  });

/** Every setting the bridge reads, in the order problems are reported. */
export const CONFIG_FIELDS: readonly ConfigField[] = [
  { env: 'AMOJO_CHANNEL_ID', key: 'channelId', schema: uuidLike, expected: 'the channel id, a UUID', required: true },
  {
    env: 'AMOJO_CHANNEL_SECRET',
    key: 'channelSecret',
    schema: nonEmpty,
    expected: 'the channel secret issued by amoCRM, a non-empty string',
    required: true,
  },
  { env: 'AMOJO_CHANNEL_BOT_ID', key: 'channelBotId', schema: nonEmpty, expected: 'the channel bot id, a string' },
  { env: 'AMOJO_CHANNEL_BOT_NAME', key: 'channelBotName', schema: nonEmpty, expected: 'a non-empty bot name' },
  { env: 'AMOJO_CHANNEL_CODE', key: 'channelCode', schema: nonEmpty, expected: 'a channel code like amo.ext.123' },
  {
    env: 'AMOJO_BASE_URL',
    key: 'amojoBaseUrl',
    schema: httpUrl,
    expected: 'an http(s) URL such as https://amojo.amocrm.ru',
    default: 'https://amojo.amocrm.ru',
  },
  {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    schema: databaseUrl,
    expected: 'sqlite:<file path> or postgres://user@host:port/database',
    default: 'sqlite:./data/amojo-bridge.sqlite',
  },
  { env: 'PORT', key: 'port', schema: integer(0, 65535), expected: 'an integer between 0 and 65535', default: 8080 },
  {
    env: 'HOST',
    key: 'host',
    schema: nonEmpty,
    expected: 'a host name or IP address to listen on',
    default: '0.0.0.0',
  },
  {
    env: 'PUBLIC_URL',
    key: 'publicUrl',
    schema: httpUrl,
    expected: 'the public http(s) URL of the bridge, e.g. https://bridge.example.com',
  },
  {
    env: 'ADMIN_TOKEN',
    key: 'adminToken',
    schema: z.string().trim().min(16),
    expected: 'a token of at least 16 characters',
  },
  {
    env: 'LOG_LEVEL',
    key: 'logLevel',
    schema: z.enum(LOG_LEVELS),
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    default: 'info',
  },
  {
    env: 'ENCRYPTION_KEY',
    key: 'encryptionKey',
    schema: encryptionKey,
    expected: 'a 32-byte key as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)',
  },
  {
    env: 'QUEUE_CONCURRENCY',
    key: 'queueConcurrency',
    schema: integer(1, 1024),
    expected: 'an integer between 1 and 1024',
    default: 8,
  },
  {
    env: 'QUEUE_POLL_INTERVAL_MS',
    key: 'queuePollIntervalMs',
    schema: integer(10, 3_600_000),
    expected: 'an integer number of milliseconds between 10 and 3600000',
    default: 1000,
  },
  {
    env: 'QUEUE_LEASE_MS',
    key: 'queueLeaseMs',
    schema: integer(1000, 86_400_000),
    expected: 'an integer number of milliseconds between 1000 and 86400000',
    default: 60_000,
  },
  {
    env: 'JOB_RETENTION_HOURS',
    key: 'jobRetentionHours',
    schema: integer(1, 87_600),
    expected: 'an integer number of hours between 1 and 87600',
    default: 72,
  },
  {
    env: 'HOOK_RETENTION_DAYS',
    key: 'hookRetentionDays',
    schema: integer(1, 3650),
    expected: 'an integer number of days between 1 and 3650',
    default: 30,
  },
  {
    env: 'UPLOAD_RETENTION_DAYS',
    key: 'uploadRetentionDays',
    schema: integer(1, 3650),
    expected: 'an integer number of days between 1 and 3650',
    default: 90,
  },
  {
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    key: 'httpRequestTimeoutMs',
    schema: integer(1000, 3_600_000),
    expected: 'an integer number of milliseconds between 1000 and 3600000',
    default: 120_000,
  },
  {
    env: 'HTTP_CONNECTION_TIMEOUT_MS',
    key: 'httpConnectionTimeoutMs',
    schema: integer(1000, 3_600_000),
    expected: 'an integer number of milliseconds between 1000 and 3600000',
    default: 30_000,
  },
  {
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    key: 'httpKeepAliveTimeoutMs',
    schema: integer(100, 600_000),
    expected: 'an integer number of milliseconds between 100 and 600000',
    default: 5000,
  },
  {
    env: 'HOOK_BODY_LIMIT_BYTES',
    key: 'hookBodyLimitBytes',
    schema: integer(1024, 64 * 1024 * 1024),
    expected: 'an integer number of bytes between 1024 and 67108864',
    default: 1024 * 1024,
  },
  {
    env: 'CHANNEL_BODY_LIMIT_BYTES',
    key: 'channelBodyLimitBytes',
    schema: integer(1024, 64 * 1024 * 1024),
    expected: 'an integer number of bytes between 1024 and 67108864',
    default: 256 * 1024,
  },
  {
    env: 'ADMIN_BODY_LIMIT_BYTES',
    key: 'adminBodyLimitBytes',
    schema: integer(1024, 64 * 1024 * 1024),
    expected: 'an integer number of bytes between 1024 and 67108864',
    default: 64 * 1024,
  },
  {
    env: 'MAINTENANCE_INTERVAL_MS',
    key: 'maintenanceIntervalMs',
    schema: integer(1000, 86_400_000),
    expected: 'an integer number of milliseconds between 1000 and 86400000',
    default: 600_000,
  },
  {
    env: 'RECOVERY_INTERVAL_MS',
    key: 'recoveryIntervalMs',
    schema: integer(1000, 86_400_000),
    expected: 'an integer number of milliseconds between 1000 and 86400000',
    default: 60_000,
  },
  {
    env: 'RECOVERY_SCAN_CHATS',
    key: 'recoveryScanChats',
    schema: integer(1, 100_000),
    expected: 'an integer number of chats between 1 and 100000',
    default: 100,
  },
  {
    env: 'RECOVERY_BUDGET',
    key: 'recoveryBudget',
    schema: integer(1, 1_000_000),
    expected: 'an integer number of requests between 1 and 1000000',
    default: 500,
  },
  {
    env: 'RECOVERY_CATCH_UP_CHATS',
    key: 'recoveryCatchUpChats',
    schema: integer(0, 100_000),
    expected: 'an integer number of chats between 0 and 100000',
    default: 500,
  },
  {
    env: 'CHANNEL_ALERT_URL',
    key: 'channelAlertUrl',
    schema: httpUrl,
    expected: 'an http(s) URL the bridge POSTs channel health alerts to (broken, recovered)',
  },
  {
    env: 'CHANNEL_ALERT_SECRET',
    key: 'channelAlertSecret',
    schema: nonEmpty,
    expected: 'a non-empty string: the HMAC-SHA256 key of the X-Amojo-Bridge-Signature header of alerts',
  },
  {
    env: 'AMOCRM_CLIENT_ID',
    key: 'amocrmClientId',
    schema: uuidLike,
    expected: "the amoCRM integration's client id (ID интеграции), a UUID",
  },
  {
    env: 'AMOCRM_CLIENT_SECRET',
    key: 'amocrmClientSecret',
    schema: nonEmpty,
    expected: "the amoCRM integration's secret key (Секретный ключ), a non-empty string",
  },
  {
    env: 'AMOCRM_REDIRECT_URI',
    key: 'amocrmRedirectUri',
    schema: httpUrl,
    expected: "the integration's Redirect URI, default <PUBLIC_URL>/amocrm/oauth/callback",
  },
  {
    env: 'AMOCRM_BASE_URL',
    key: 'amocrmBaseUrl',
    schema: httpUrl,
    expected: 'an http(s) URL; only for the sandbox: every account REST call goes there instead of https://<referer>',
  },
  {
    env: 'AMOCRM_WIDGET_CODE',
    key: 'amocrmWidgetCode',
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,40}$/),
    expected: 'the widget code, 1..40 of a-z, 0-9, _',
  },
];
