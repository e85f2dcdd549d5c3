export type {
  AmocrmConfig,
  BridgeConfig,
  ChannelConfig,
  HttpConfig,
  LogLevel,
  MaintenanceConfig,
  QueueConfig,
  RecoveryConfig,
} from './bridge-config.js';
export { LOG_LEVELS } from './bridge-config.js';
export { bridgeUrlOf } from './bridge-url.js';
export type { ConfigField } from './config-fields.js';
export { CONFIG_FIELDS } from './config-fields.js';
export type { LoadConfigOptions } from './load-config.js';
export { loadConfig } from './load-config.js';
