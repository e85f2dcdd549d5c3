// Shapes of the sandbox control API (see the package README); the page reads them, the core produces them.

/** A chat as the control API lists it. */
export interface SandboxChatView {
  readonly id: string;
  readonly scopeId: string;
  readonly accountId: string;
  readonly conversationId: string | null;
  readonly sourceExternalId: string | null;
  readonly client: {
    readonly id: string;
    readonly clientId: string | null;
    readonly name: string;
    readonly phone?: string;
    readonly email?: string;
    readonly avatar?: string;
  };
  readonly contactId: number | null;
  readonly leadId: number | null;
  readonly unread: number;
  readonly lastMessageAt: number;
  readonly lastMessageText: string;
  readonly typingUntil: number | null;
}

/** Delivery status of a manager's message; `null` for the customer's. */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'error' | null;

/** One reaction on a message. */
export interface MessageReaction {
  readonly emoji: string;
  readonly by: string;
  readonly byKind: 'client' | 'manager';
}

/** A message as the control API lists it. */
export interface SandboxMessageView {
  readonly id: string;
  readonly clientId: string | null;
  readonly chatId: string;
  readonly direction: 'in' | 'out';
  readonly author: { readonly id: string; readonly name: string; readonly kind: 'client' | 'manager' | 'bot' };
  readonly type: string;
  readonly text: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly thumbnail?: string;
  readonly mediaGroupId?: string;
  readonly replyTo: { readonly id: string; readonly text: string } | null;
  readonly createdAt: number;
  readonly silent: boolean;
  readonly edited: boolean;
  readonly status: DeliveryStatus;
  readonly error?: { readonly code: number; readonly text: string };
  readonly reactions: readonly MessageReaction[];
}

/** One hook the sandbox sent (or dropped) and what the integration answered. */
export interface HookLogEntry {
  readonly id: string;
  readonly at: number;
  readonly url: string;
  readonly kind: 'message' | 'typing' | 'reaction';
  readonly body: string;
  readonly signature: string;
  readonly attempt: {
    readonly status?: number;
    readonly error?: string;
    readonly durationMs: number;
    readonly responseBody?: string;
  };
  readonly dropped: boolean;
  readonly delayedMs: number;
}

/** An amoCRM user of an account. */
export interface SandboxUser {
  readonly id: number;
  readonly name: string;
  readonly amojoId: string | null;
}

/** An account as `GET /_sandbox/api/config` describes it. */
export interface SandboxAccount {
  readonly amojoId: string;
  readonly id: number;
  readonly subdomain: string;
  readonly name?: string;
  readonly users: readonly SandboxUser[];
}

/** A registered channel. */
export interface SandboxChannel {
  readonly id: string;
  readonly name: string;
  readonly code: string;
  readonly reactions: readonly string[];
  readonly writeFirst: boolean;
  readonly hookUrl: string;
}

/** A channel connected (or once connected) to an account. */
export interface SandboxScope {
  readonly scopeId: string;
  readonly channelId: string;
  readonly accountId: string;
  readonly title: string;
  readonly connected: boolean;
  readonly hookApiVersion: string;
}

/** `GET /_sandbox/api/config`. */
export interface SandboxConfig {
  readonly accounts: readonly SandboxAccount[];
  readonly channels: readonly SandboxChannel[];
  readonly scopes: readonly SandboxScope[];
}

/** A contact of the emulated CRM. */
export interface CrmContact {
  readonly id: number;
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly chatIds: readonly string[];
}

/** An unsorted lead of the emulated CRM. */
export interface CrmLead {
  readonly id: number;
  readonly name: string;
  readonly contactId: number | null;
  readonly status: string;
  readonly pipelineId: number;
  readonly sourceExternalId?: string;
  readonly chatId?: string;
}

/** A lead source of an integration. */
export interface CrmSource {
  readonly id: number;
  readonly name: string;
  readonly external_id: string;
  readonly default: boolean;
  readonly pipeline_id: number;
}

/** `GET /_sandbox/api/crm?account=`. */
export interface CrmSnapshot {
  readonly contacts: readonly CrmContact[];
  readonly leads: readonly CrmLead[];
  readonly sources: readonly CrmSource[];
}

/** One server-sent event of `GET /_sandbox/api/events`. */
export type SandboxEvent =
  | { readonly type: 'chat'; readonly chat: SandboxChatView }
  | { readonly type: 'message'; readonly message: SandboxMessageView }
  | { readonly type: 'typing'; readonly chatId: string; readonly until: number }
  | { readonly type: 'hook'; readonly hook: HookLogEntry }
  | { readonly type: 'crm'; readonly accountAmojoId: string };

/** An uploaded file, ready to be sent as an attachment. */
export interface UploadedFile {
  readonly url: string;
  readonly fileName: string;
  readonly fileSize: number;
  readonly type: string;
}
