export {
  type ChannelBotConfig,
  type ChannelConfig,
  DEFAULT_REACTIONS,
  DEMO,
  defaultDemoConfig,
  type SandboxLogger,
  type SandboxOptions,
} from './config.js';
export type {
  ManagerAttachment,
  ManagerMessageInput,
  ManagerMessageType,
  ManagerSendResult,
} from './control/manager-actions.js';
export type {
  CrmAccountConfig,
  CrmContact,
  CrmIntegrationConfig,
  CrmLead,
  CrmSnapshot,
  CrmSource,
  CrmUserConfig,
} from './crm/index.js';
export { AmojoRequestError, ControlRequestError, SandboxError } from './errors.js';
export type { FaultSettings, FaultSettingsInput } from './faults/fault-settings.js';
export { FaultSettingsError, normalizeFaults } from './faults/fault-settings.js';
export { createRandom, type Random } from './faults/prng.js';
export type { HookLogEntry } from './hooks/hook-log.js';
export { type CliIo, type CliResult, runCli } from './run-cli.js';
export { type Sandbox, startSandbox } from './start-sandbox.js';
export { type RequestCounts, RequestLog } from './state/request-log.js';
export type { SandboxConfigView, SandboxEvent, SandboxState } from './state/sandbox-state.js';
export type { SandboxChatView, SandboxMessageView } from './state/views.js';
