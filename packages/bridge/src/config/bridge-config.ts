import type { z } from 'zod';
import type {
  alertsSection,
  batcherSection,
  bridgeSettingsSchema,
  channelSection,
  channelsSection,
  httpSection,
  LOG_LEVELS,
  limitsSection,
  maintenanceSection,
  queueSection,
  recoverySection,
} from './config-schema.js';

// Optional settings are keys whose value may be undefined (`Settled`), so narrower interfaces elsewhere can say
// `x: string | undefined` and still accept the config.
type Settled<T> = { readonly [K in keyof T]-?: T[K] };

// Every type here is inferred from `config-schema.ts`, where each setting's variable, default and meaning are
// written once; see the schema for what a field means.

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The amojo channel the bridge acts as. */
export type ChannelConfig = Settled<z.output<typeof channelSection>>;
/** Where the HTTP server listens and how the outside world reaches it. */
export type HttpConfig = Settled<z.output<typeof httpSection>>;
/** Timeouts and body limits of the HTTP server. */
export type LimitsConfig = Settled<z.output<typeof limitsSection>>;
/** Job queue tuning. */
export type QueueConfig = Settled<z.output<typeof queueSection>>;
/** Group commit of inbound events and hooks. */
export type BatcherConfig = Settled<z.output<typeof batcherSection>>;
/** Retention and the maintenance task. */
export type MaintenanceConfig = Settled<z.output<typeof maintenanceSection>>;
/** Outbound recovery. */
export type RecoveryConfig = Settled<z.output<typeof recoverySection>>;
/** Channel health alerts. */
export type AlertsConfig = Settled<z.output<typeof alertsSection>>;
/** Knobs of the built-in channel kinds shared by all their instances. */
export type ChannelsConfig = Settled<z.output<typeof channelsSection>>;

/** The parsed settings, before `loadConfig` derives the encryption key and the amoCRM integration. */
export type BridgeSettings = z.output<typeof bridgeSettingsSchema>;

/**
 * The amoCRM integration (OAuth self-service install, widget). Present only when `AMOCRM_CLIENT_ID` and
 * `AMOCRM_CLIENT_SECRET` are both set; without it accounts are connected by hand and the REST side is off.
 */
export interface AmocrmConfig {
  readonly clientId: string;
  /** Never log it. */
  readonly clientSecret: string;
  /** `AMOCRM_REDIRECT_URI`, default `<PUBLIC_URL>/amocrm/oauth/callback`. */
  readonly redirectUri: string;
  /** `AMOCRM_BASE_URL`: REST host for every account (the sandbox); unset = `https://<referer>` per account. */
  readonly baseUrlOverride: string | undefined;
  readonly widgetCode: string;
}

// Sections are read-only one level down too; the key stays bytes.
type ReadonlySections<T> = {
  readonly [K in keyof T]-?: T[K] extends Uint8Array ? T[K] : T[K] extends object ? Settled<T[K]> : T[K];
};

/** The bridge's validated configuration, built once at start by `loadConfig`: the settings plus what is derived. */
export interface BridgeConfig extends ReadonlySections<Omit<BridgeSettings, 'encryptionKey' | 'amocrm'>> {
  /**
   * 32-byte AES-256-GCM key for tokens and secrets at rest: `ENCRYPTION_KEY` (64 hex chars or base64), or, when
   * unset, derived from the channel secret with HKDF (see `encryptionKeySource`).
   */
  readonly encryptionKey: Uint8Array;
  /** Whether `encryptionKey` came from `ENCRYPTION_KEY` or was derived from the channel secret. */
  readonly encryptionKeySource: 'env' | 'derived';
  /** The amoCRM integration, when configured. */
  readonly amocrm: AmocrmConfig | undefined;
  /** Path of the config file that was read, if any. */
  readonly configFile: string | undefined;
}
