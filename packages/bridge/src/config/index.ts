export type {
  AlertsConfig,
  AmocrmConfig,
  BatcherConfig,
  BridgeConfig,
  BridgeSettings,
  ChannelConfig,
  ChannelsConfig,
  HttpConfig,
  LimitsConfig,
  LogLevel,
  MaintenanceConfig,
  QueueConfig,
  RecoveryConfig,
} from './bridge-config.js';
export { bridgeUrlOf } from './bridge-url.js';
export { bridgeSettingsSchema, LOG_LEVELS } from './config-schema.js';
export { CONFIG_TABLE_MARKERS, renderConfigTable, withConfigTable } from './config-table.js';
export type { LoadConfigOptions } from './load-config.js';
export { loadConfig } from './load-config.js';
export type { SettingLeaf, SettingMeta } from './setting.js';
export { listSettings } from './setting.js';
