import type { ChannelConfig, SandboxLogger } from '../config.js';
import type { HookSender } from '../hooks/send-hook.js';
import type { ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { JsonObject } from './read-fields.js';

/** What every Chats API handler gets. */
export interface ChatsContext {
  readonly state: SandboxState;
  readonly hooks: HookSender;
  readonly log: SandboxLogger;
}

/** One verified Chats API call on a connected scope. */
export interface ScopeCall {
  readonly channel: ChannelConfig;
  readonly scope: ScopeRecord;
  readonly body: JsonObject;
}

/** A handler's answer: a status and an optional JSON body. */
export interface ChatsAnswer {
  readonly status: number;
  readonly body?: unknown;
}
