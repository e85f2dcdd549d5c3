// The package's public face: the service, its building blocks for embedding and scripting (the webchat channel's
// set-up among them), and the http channel's signing helpers for customer systems written in TypeScript.
export {
  type AccountDeps,
  type AddedHttpChannel,
  type AddHttpChannelDeps,
  type AddHttpChannelInput,
  type AmojoConnector,
  addHttpChannel,
  type ConnectAccountInput,
  connectAccount,
  type DisconnectAccountInput,
  disconnectAccount,
} from './accounts/index.js';
export { ADMIN_PREFIX, type AdminDeps, AdminInputError, registerAdminApi } from './admin/index.js';
export {
  type AnyChannelPlugin,
  type ChannelAdapter,
  ChannelEventRefusedError,
  type ChannelPlugin,
  type ChannelRuntime,
  type ChannelSendResult,
  ChannelSettingsError,
  channelPlugins,
  defineChannelPlugin,
  signWebhook,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  webhookHeaders,
} from './channels/index.js';
export {
  type AddedWebchatChannel,
  type AddWebchatChannelDeps,
  type AddWebchatChannelInput,
  addWebchatChannel,
  renderWebchatDemoPage,
  type WebchatDemoPageInput,
  type WebchatSettings,
} from './channels/webchat/index.js';
export { type CliIo, EXIT, runCli } from './cli/index.js';
export { type BridgeConfig, type LoadConfigOptions, loadConfig } from './config/index.js';
export { BridgeConfigError, type BridgeConfigIssue, BridgeError } from './errors.js';
export type { ErrorAnswer, ErrorReplyScope } from './http/error-answer.js';
export { type RawBodyOptions, rawBody } from './http/raw-body.js';
export { errorReplyScope, registerErrorReply } from './http/register-error-reply.js';
export { type CreateLoggerOptions, createLogger, createSilentLogger, type Logger, type LogLevel } from './log.js';
export { type BridgeMetrics, createMetrics, type QueueStatRow } from './metrics/index.js';
export { type Bridge, type CreateBridgeOptions, createBridge } from './service/create-bridge.js';
export { type MigrateResult, migrate } from './store/migrate.js';
export { type OpenStoreOptions, openStore } from './store/open-store.js';
export type { LockHolder } from './store/sqlite/lock-file.js';
export { acquireOwnerLock, DataLockedError, type OwnerLock } from './store/sqlite/owner-lock.js';
export type { Store, StoreDialect } from './store/store.js';
