// Shapes of the admin API answers the dashboard reads (see packages/bridge/src/admin/serialize.ts).

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextBefore?: number | null;
}

export interface Account {
  readonly scopeId: string;
  readonly amojoAccountId: string;
  readonly title: string | null;
  readonly subdomain: string | null;
  readonly state: 'connected' | 'disconnected';
  readonly hasTokens: boolean;
  /** `none` (connected by hand), `ok`, `needs_reinstall` (refresh failed for good), `revoked` (disabled). */
  readonly oauthState?: 'none' | 'ok' | 'needs_reinstall' | 'revoked';
  /** Why the tokens stopped working (never token text). */
  readonly oauthError?: string | null;
  readonly connectedAt: number | null;
  readonly disconnectedAt: number | null;
}

export interface ChannelInstance {
  readonly key: string;
  readonly kind: string;
  readonly name: string | null;
  /** amojo account id of the account it serves. */
  readonly accountId: string | null;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly hasSecret: boolean;
  readonly enabled: boolean;
  readonly createdAt: number;
  /** The amoCRM pipeline the instance's source puts its leads in; null: the account's main pipeline. */
  readonly pipelineId?: number | null;
  /** Absent from bridges older than the health states. */
  readonly health?: ChannelHealth;
}

/** An instance's health (`GET /admin/api/channel-instances` `health`). */
export interface ChannelHealth {
  readonly state: 'ok' | 'degraded' | 'broken' | 'unknown' | 'disabled';
  readonly problem: string | null;
  readonly reason: string | null;
  readonly consecutiveFailures: number;
  readonly since: number | null;
  readonly lastErrorAt: number | null;
}

/** A JSON Schema, as far as the generated forms read it. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
}

/** One channel kind from `GET /admin/api/channel-kinds`. */
export interface ChannelKind {
  readonly kind: string;
  readonly settingsSchema: JsonSchema;
  readonly secretSettings: readonly string[];
}

export interface Conversation {
  /** Our `conversation_id`: names the conversation in `/conversations/:conversationId/...`, with `accountId`. */
  readonly conversationId: string;
  /** amojo account id. */
  readonly accountId: string;
  readonly channelInstanceKey: string | null;
  readonly amojoChatId: string | null;
  readonly channelChatKey: string | null;
  readonly phone: string | null;
  readonly lastActivityAt: string | null;
  readonly createdAt: string | null;
  /** The customer's name as the channel gave it. */
  readonly customerName?: string | null;
  readonly channel?: { readonly key: string; readonly kind: string | null; readonly name: string | null } | null;
}

export interface MessageStatus {
  readonly status: string;
  readonly errorCode: number | null;
  readonly error: string | null;
  readonly at: string | null;
}

export interface Message {
  readonly direction: 'in' | 'out';
  readonly msgid: string;
  readonly type: string;
  readonly payload: unknown;
  readonly status: string;
  readonly createdAt: string | null;
  readonly statuses: readonly MessageStatus[];
}

export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly lane: string;
  readonly state: 'queued' | 'running' | 'dead' | 'done' | 'discarded';
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: string | null;
  readonly lastError: string | null;
  /** While held (waiting for its channel to be fixed, no attempt used): what it waits for. */
  readonly heldFor: string | null;
  readonly payload: unknown;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** A job of `GET /conversations/:conversationId/jobs`, with the `msgid` of the message it carries. */
export interface ConversationJob extends Job {
  readonly msgid: string | null;
}

export interface Hook {
  readonly id: number;
  readonly scopeId: string | null;
  readonly kind: string | null;
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
  readonly reason: string | null;
  readonly signatureOk: boolean;
  readonly jobId: number | null;
  readonly receivedAt: string | null;
  readonly rawBody: string | null;
}

export interface QueueKindStats {
  readonly kind: string;
  readonly queued: number;
  readonly due: number;
  readonly held: number;
  readonly running: number;
  readonly dead: number;
  readonly oldestDueAgeMs: number;
}

export interface Health {
  readonly at: string;
  readonly atMs: number;
  readonly ready: boolean;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly error?: string }[];
  readonly queue: readonly QueueKindStats[];
  readonly oldestDueAgeMs: number;
  readonly totals: {
    readonly hooks: Readonly<Record<string, number>>;
    readonly amojoCalls: Readonly<Record<string, number>>;
  };
}
