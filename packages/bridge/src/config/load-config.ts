import { hkdfSync } from 'node:crypto';
import { BridgeConfigError, type BridgeConfigIssue } from '../errors.js';
import type { AmocrmConfig, BridgeConfig, BridgeSettings } from './bridge-config.js';
import { bridgeSettingsSchema } from './config-schema.js';
import { readConfigFile } from './read-config-file.js';
import { listSettings, type SettingMeta, settingsInput } from './setting.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment to read, usually `process.env` (only the CLI and service entry pass it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Path of a JSON config file (`--config`); overrides `AMOJO_BRIDGE_CONFIG` from `env`. */
  readonly file?: string | undefined;
}

/**
 * Validates the environment and the optional JSON config file into a {@link BridgeConfig} with
 * `bridgeSettingsSchema`. Environment variables override file values. Every bad value is reported at once in a
 * {@link BridgeConfigError} naming the variable; values are never echoed, since many of them are secrets.
 *
 * @example
 * const config = loadConfig({ env: process.env, file: options.config });
 */
export function loadConfig(options: LoadConfigOptions): BridgeConfig {
  const { env } = options;
  const issues: BridgeConfigIssue[] = [];
  const leaves = listSettings(bridgeSettingsSchema);

  const fileVariable = options.file !== undefined ? '--config' : 'AMOJO_BRIDGE_CONFIG';
  const filePath = options.file ?? nonEmpty(env.AMOJO_BRIDGE_CONFIG);
  let fileValues: Readonly<Record<string, unknown>> = {};
  let configFile: string | undefined;
  if (filePath !== undefined) {
    const result = readConfigFile({ path: filePath, variable: fileVariable });
    if (result.ok) {
      fileValues = result.values;
      configFile = result.path;
      const known = new Set(leaves.map((leaf) => leaf.meta.key));
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

  // Where each value came from, to name it in a problem: the variable, or the key in the file.
  const variableOf = (meta: SettingMeta): string =>
    nonEmpty(env[meta.env]) === undefined && fileValueOf(fileValues, meta.key) !== undefined
      ? `${meta.key} in ${configFile}`
      : meta.env;
  const rawOf = (meta: SettingMeta): unknown => nonEmpty(env[meta.env]) ?? fileValueOf(fileValues, meta.key);
  const input = settingsInput(bridgeSettingsSchema, rawOf);
  const parsed = bridgeSettingsSchema.safeParse(input);
  if (!parsed.success) {
    // One problem per setting, in the schema's order, with the setting's own words (never zod's, which may quote).
    const failed = new Set(parsed.error.issues.map((issue) => issue.path.join('.')));
    for (const leaf of leaves) {
      if (!failed.has(leaf.path.join('.'))) continue;
      const missing = rawOf(leaf.meta) === undefined;
      issues.push({
        variable: variableOf(leaf.meta),
        expected: missing ? `${leaf.meta.expected} (required)` : leaf.meta.expected,
      });
    }
  }
  const amocrm = parsed.success ? amocrmConfigOf(parsed.data, issues) : undefined;
  if (issues.length > 0 || !parsed.success) throw new BridgeConfigError(issues);

  const { encryptionKey: explicitKey, amocrm: _amocrmSettings, ...settings } = parsed.data;
  return {
    ...settings,
    encryptionKey: explicitKey ?? deriveEncryptionKey(settings.channel.secret),
    encryptionKeySource: explicitKey ? 'env' : 'derived',
    amocrm,
    configFile,
  };
}

// Client id and secret come together or not at all; the redirect URI must be known (explicitly or from PUBLIC_URL)
// because the code exchange sends it and amoCRM compares it byte for byte with the integration's setting.
function amocrmConfigOf(settings: BridgeSettings, issues: BridgeConfigIssue[]): AmocrmConfig | undefined {
  const { clientId, clientSecret } = settings.amocrm;
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined) {
    issues.push({ variable: 'AMOCRM_CLIENT_ID', expected: 'set together with AMOCRM_CLIENT_SECRET' });
    return undefined;
  }
  if (clientSecret === undefined) {
    issues.push({ variable: 'AMOCRM_CLIENT_SECRET', expected: 'set together with AMOCRM_CLIENT_ID' });
    return undefined;
  }
  const publicUrl = settings.http.publicUrl;
  const redirectUri =
    settings.amocrm.redirectUri ?? (publicUrl !== undefined ? `${publicUrl}/amocrm/oauth/callback` : undefined);
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
    baseUrlOverride: settings.amocrm.baseUrl,
    widgetCode: settings.amocrm.widgetCode,
  };
}

// Without ENCRYPTION_KEY the key is derived from the channel secret, the one secret every deployment already has,
// so tokens are never stored in clear text. Rotating the channel secret then requires setting ENCRYPTION_KEY to the
// old derived key (or re-connecting accounts); deployments that rotate should set ENCRYPTION_KEY explicitly.
function deriveEncryptionKey(channelSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', channelSecret, 'amojo-bridge', 'tokens-at-rest-v1', 32));
}

// A file value of null or "" counts as unset, like an empty environment variable.
function fileValueOf(values: Readonly<Record<string, unknown>>, key: string): unknown {
  const value = values[key];
  return value === null || value === '' ? undefined : value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
