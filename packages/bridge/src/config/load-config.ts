import { hkdfSync } from 'node:crypto';
import { BridgeConfigError, type BridgeConfigIssue } from '../errors.js';
import type { AmocrmConfig, BridgeConfig, LogLevel } from './bridge-config.js';
import { CONFIG_FIELDS } from './config-fields.js';
import { readConfigFile } from './read-config-file.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment to read, usually `process.env` (only the CLI and service entry pass it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON config file (`--config`); overrides `AMOJO_BRIDGE_CONFIG` from `env`. */
  readonly file?: string | undefined;
}

/**
 * Validates the environment and the optional JSON config file into a {@link BridgeConfig}. Environment variables
 * override file values. Every bad value is reported at once in a {@link BridgeConfigError} naming the variable;
 * values are never echoed, since many of them are secrets.
 *
 * @example
 * const config = loadConfig({ env: process.env, file: options.config });
 */
export function loadConfig(options: LoadConfigOptions): BridgeConfig {
  const { env } = options;
  const issues: BridgeConfigIssue[] = [];

  const fileVariable = options.file !== undefined ? '--config' : 'AMOJO_BRIDGE_CONFIG';
  const filePath = options.file ?? nonEmpty(env.AMOJO_BRIDGE_CONFIG);
  let fileValues: Readonly<Record<string, unknown>> = {};
  let configFile: string | undefined;
  if (filePath !== undefined) {
    const result = readConfigFile({ path: filePath, variable: fileVariable });
    if (result.ok) {
      fileValues = result.values;
      configFile = result.path;
      const known = new Set(CONFIG_FIELDS.map((field) => field.key));
      for (const key of Object.keys(fileValues)) {
        if (!known.has(key)) {
          issues.push({
            variable: `${key} in ${result.path}`,
            expected: `no such setting; known keys: ${[...known].join(', ')}`,
          });
        }
      }
    } else {
      issues.push(result.issue);
    }
  }

  const values: Record<string, unknown> = {};
  for (const field of CONFIG_FIELDS) {
    const fromEnv = nonEmpty(env[field.env]);
    const fromFile = fileValues[field.key];
    const raw = fromEnv ?? (fromFile === null || fromFile === '' ? undefined : fromFile);
    const variable = fromEnv !== undefined || fromFile === undefined ? field.env : `${field.key} in ${configFile}`;
    if (raw === undefined) {
      if ('default' in field) values[field.key] = field.schema.parse(field.default);
      else if (field.required) issues.push({ variable, expected: `${field.expected} (required)` });
      continue;
    }
    const parsed = field.schema.safeParse(raw);
    if (parsed.success) values[field.key] = parsed.data;
    else issues.push({ variable, expected: field.expected });
  }

  const amocrm = amocrmConfigOf(values, issues);
  if (issues.length > 0) throw new BridgeConfigError(issues);

  const channelSecret = values.channelSecret as string;
  const explicitKey = values.encryptionKey as Uint8Array | undefined;
  return {
    channel: {
      id: values.channelId as string,
      secret: channelSecret,
      botId: values.channelBotId as string | undefined,
      botName: values.channelBotName as string | undefined,
      code: values.channelCode as string | undefined,
    },
    amojoBaseUrl: values.amojoBaseUrl as string,
    databaseUrl: values.databaseUrl as string,
    http: {
      host: values.host as string,
      port: values.port as number,
      publicUrl: values.publicUrl as string | undefined,
    },
    adminToken: values.adminToken as string | undefined,
    logLevel: values.logLevel as LogLevel,
    encryptionKey: explicitKey ?? deriveEncryptionKey(channelSecret),
    encryptionKeySource: explicitKey ? 'env' : 'derived',
    limits: {
      requestTimeoutMs: values.httpRequestTimeoutMs as number,
      connectionTimeoutMs: values.httpConnectionTimeoutMs as number,
      keepAliveTimeoutMs: values.httpKeepAliveTimeoutMs as number,
      hookBodyLimitBytes: values.hookBodyLimitBytes as number,
      channelBodyLimitBytes: values.channelBodyLimitBytes as number,
      adminBodyLimitBytes: values.adminBodyLimitBytes as number,
    },
    queue: {
      concurrency: values.queueConcurrency as number,
      pollIntervalMs: values.queuePollIntervalMs as number,
      leaseMs: values.queueLeaseMs as number,
    },
    maintenance: {
      intervalMs: values.maintenanceIntervalMs as number,
      jobRetentionHours: values.jobRetentionHours as number,
      hookRetentionDays: values.hookRetentionDays as number,
      uploadRetentionDays: values.uploadRetentionDays as number,
    },
    recovery: {
      intervalMs: values.recoveryIntervalMs as number,
      scanChatsPerRound: values.recoveryScanChats as number,
      budgetPerRound: values.recoveryBudget as number,
      catchUpChats: values.recoveryCatchUpChats as number,
    },
    alerts: {
      url: values.channelAlertUrl as string | undefined,
      secret: values.channelAlertSecret as string | undefined,
    },
    amocrm,
    configFile,
  };
}

// Client id and secret come together or not at all; the redirect URI must be known (explicitly or from PUBLIC_URL)
// because the code exchange sends it and amoCRM compares it byte for byte with the integration's setting.
function amocrmConfigOf(values: Record<string, unknown>, issues: BridgeConfigIssue[]): AmocrmConfig | undefined {
  const clientId = values.amocrmClientId as string | undefined;
  const clientSecret = values.amocrmClientSecret as string | undefined;
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined) {
    issues.push({ variable: 'AMOCRM_CLIENT_ID', expected: 'set together with AMOCRM_CLIENT_SECRET' });
    return undefined;
  }
  if (clientSecret === undefined) {
    issues.push({ variable: 'AMOCRM_CLIENT_SECRET', expected: 'set together with AMOCRM_CLIENT_ID' });
    return undefined;
  }
  const publicUrl = values.publicUrl as string | undefined;
  const redirectUri =
    (values.amocrmRedirectUri as string | undefined) ??
    (publicUrl !== undefined ? `${publicUrl}/amocrm/oauth/callback` : undefined);
  if (redirectUri === undefined) {
    issues.push({
      variable: 'AMOCRM_REDIRECT_URI',
      expected: 'the Redirect URI of the integration, or PUBLIC_URL to derive <PUBLIC_URL>/amocrm/oauth/callback',
    });
    return undefined;
  }
  return {
    clientId,
    clientSecret,
    redirectUri,
    baseUrlOverride: values.amocrmBaseUrl as string | undefined,
    widgetCode: (values.amocrmWidgetCode as string | undefined) ?? 'amojo_bridge',
  };
}

// Without ENCRYPTION_KEY the key is derived from the channel secret, the one secret every deployment already has,
// so tokens are never stored in clear text. Rotating the channel secret then requires setting ENCRYPTION_KEY to the
// old derived key (or re-connecting accounts); deployments that rotate should set ENCRYPTION_KEY explicitly.
function deriveEncryptionKey(channelSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', channelSecret, 'amojo-bridge', 'tokens-at-rest-v1', 32));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
