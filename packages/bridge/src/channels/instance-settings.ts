import { decryptSecret, encryptSecret } from '../store/encrypt.js';
import type { AnyChannelPlugin } from './channel-plugin.js';

// Secret settings are stored inside `channel_instances.settings` as AES-256-GCM envelopes (the same cipher as the
// OAuth tokens, `store/encrypt.ts`), each bound to its instance key and field, so an envelope copied to another
// instance or field fails to decrypt. Keeping them in the settings column means any change of a secret changes the
// stored settings, which is what restarts the instance's adapter.

const context = (instanceKey: string, field: string) => `channel_instances.settings.${field}#${instanceKey}`;

/** Settings as stored: the plugin's secret fields replaced by their envelopes. */
export function sealSecretSettings(
  plugin: AnyChannelPlugin,
  input: {
    readonly instanceKey: string;
    readonly settings: Readonly<Record<string, unknown>>;
    readonly encryptionKey: Uint8Array;
  },
): Record<string, unknown> {
  const sealed: Record<string, unknown> = { ...input.settings };
  for (const field of plugin.secretSettings) {
    const value = sealed[field];
    if (value === undefined || value === null) continue;
    sealed[field] = encryptSecret(typeof value === 'string' ? value : JSON.stringify(value), {
      key: input.encryptionKey,
      context: context(input.instanceKey, field),
    });
  }
  return sealed;
}

/** Stored settings with the secret fields decrypted; throws `BridgeDecryptionError` if an envelope was altered. */
export function openSecretSettings(
  plugin: AnyChannelPlugin,
  input: {
    readonly instanceKey: string;
    readonly settings: Readonly<Record<string, unknown>>;
    readonly encryptionKey: Uint8Array;
  },
): Record<string, unknown> {
  const opened: Record<string, unknown> = { ...input.settings };
  for (const field of plugin.secretSettings) {
    const value = opened[field];
    if (typeof value !== 'string') continue;
    opened[field] = decryptSecret(value, { key: input.encryptionKey, context: context(input.instanceKey, field) });
  }
  return opened;
}

/** Stored settings without the secret fields: what may be shown. */
export function visibleSettings(
  plugin: AnyChannelPlugin | undefined,
  settings: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const secret = new Set<string>(plugin?.secretSettings ?? []);
  return Object.fromEntries(Object.entries(settings).filter(([field]) => !secret.has(field)));
}

/** The secret settings an instance has set (names only). */
export function secretSettingsSet(
  plugin: AnyChannelPlugin | undefined,
  settings: Readonly<Record<string, unknown>>,
): string[] {
  return (plugin?.secretSettings ?? []).filter((field) => settings[field] !== undefined && settings[field] !== null);
}
