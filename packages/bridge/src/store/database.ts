import type { Generated } from 'kysely';

// Conventions shared by every table, chosen so one schema behaves the same on SQLite and PostgreSQL:
// - times are integer milliseconds since the epoch (`*_at`), supplied by the bridge's clock, not the database's;
// - JSON is stored as text and parsed by the store functions (SQLite has no JSON type; jsonb would behave differently);
// - booleans are 0/1 integers (better-sqlite3 cannot bind JS booleans);
// - `id` is the row's own integer key; `<table>_id` columns reference it, except `conversation_row_id`, because
//   `conversation_id` is the protocol's name for the integration chat id (spec 1.2).

/** `accounts`: one row per amojo scope (channel x amoCRM account). */
export interface AccountsTable {
  readonly id: Generated<number>;
  /** `{channel_id}_{account amojo_id}`, the path segment of every chat call and of the hook URL. */
  readonly scope_id: string;
  readonly amojo_account_id: string;
  readonly channel_id: string;
  readonly subdomain: string | null;
  readonly title: string | null;
  readonly hook_api_version: string | null;
  readonly state: 'connected' | 'disconnected';
  /** AES-256-GCM envelopes (see `encrypt.ts`), never plain tokens. */
  readonly access_token_enc: string | null;
  readonly refresh_token_enc: string | null;
  readonly token_expires_at: number | null;
  /** amoCRM's numeric account id (disabled hook, widget JWT); null for accounts connected by hand. */
  readonly amocrm_account_id: number | null;
  /** REST host of the tokens, e.g. `https://example.amocrm.ru`. */
  readonly amocrm_base_url: string | null;
  readonly oauth_state: Generated<OAuthState>;
  /** Why the tokens stopped working (no token text in it). */
  readonly oauth_error: string | null;
  /** When the current token pair was saved (migration 0005). */
  readonly tokens_saved_at: number | null;
  readonly connected_at: number | null;
  readonly disconnected_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `channel_instances`: one configured messenger endpoint (a website chat, an http system, a bot). */
export interface ChannelInstancesTable {
  readonly id: Generated<number>;
  /** Stable public key used in URLs (`/channels/http/:instance`). */
  readonly key: string;
  readonly kind: string;
  readonly name: string | null;
  readonly account_id: number | null;
  /** JSON text. */
  readonly settings: string;
  /** Encrypted envelope of the instance secret (HMAC key, bot token), or null. */
  readonly secret_enc: string | null;
  readonly enabled: number;
  /** Whether a new chat is linked to an existing amoCRM contact (migration 0005). */
  readonly link_contacts: Generated<LinkContactsMode>;
  /** amoCRM pipeline of the instance's source (migration 0018); null: amoCRM's choice. */
  readonly amocrm_pipeline_id: Generated<number | null>;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `accounts.oauth_state`: whether the bridge holds working amoCRM tokens for the account. */
export type OAuthState = 'none' | 'ok' | 'needs_reinstall' | 'revoked';

/** `channel_instances.link_contacts`: how a new chat finds an existing contact. */
export type LinkContactsMode = 'off' | 'phone' | 'phone_or_email';

/** `sources`: amoCRM sources of an account (spec 5.3); each routes to one channel instance. */
export interface SourcesTable {
  readonly id: Generated<number>;
  readonly account_id: number;
  readonly external_id: string;
  readonly channel_instance_id: number | null;
  readonly name: string | null;
  readonly amocrm_source_id: number | null;
  readonly is_default: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `conversations`: one chat, known by our `conversation_id`, amojo's chat id and the messenger's chat key. */
export interface ConversationsTable {
  readonly id: Generated<number>;
  readonly account_id: number;
  readonly channel_instance_id: number | null;
  /** Our integration chat id (`conversation_id` in requests, `conversation.client_id` in hooks). */
  readonly conversation_id: string;
  /** amojo chat id (`conversation.id` in hooks, `conversation_ref_id` in requests). */
  readonly amojo_chat_id: string | null;
  /** The messenger's own chat key (webchat visitor session, http system chat id, Telegram chat id). */
  readonly channel_chat_key: string | null;
  readonly source_external_id: string | null;
  /** amoCRM contact id linked to the chat (REST v4). */
  readonly contact_id: number | null;
  /** Phone of the client; the key of "write first" chats (spec 3.4.7). */
  readonly phone: string | null;
  /** The `phone:...` key of a "write first" chat that took the messenger's own key since (migration 0014). */
  readonly write_first_key: Generated<string | null>;
  readonly last_activity_at: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `participants`: people in a conversation (client, managers, the channel bot). */
export interface ParticipantsTable {
  readonly id: Generated<number>;
  readonly conversation_row_id: number;
  readonly role: 'client' | 'manager' | 'bot';
  /** Our participant id (`sender.id` in requests, `client_id` in hooks); null for amoCRM users. */
  readonly participant_id: string | null;
  /** amojo participant id (`ref_id` in requests, `id` in hooks). */
  readonly amojo_participant_id: string | null;
  readonly name: string | null;
  /** JSON text: `{ phone?, email?, avatar?, profile_link? }`. */
  readonly profile: string;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `messages`: every message relayed in either direction. */
export interface MessagesTable {
  readonly id: Generated<number>;
  readonly conversation_row_id: number;
  /** `in`: customer -> amoCRM; `out`: amoCRM -> customer. */
  readonly direction: 'in' | 'out';
  /** Our message id (`payload.msgid`), chosen once before the first attempt and never changed. */
  readonly msgid: string;
  /** amojo message id (`new_message.msgid` in the answer, `message.message.id` in hooks). */
  readonly amojo_msgid: string | null;
  /** The messenger's id of the message, unique per conversation and direction. */
  readonly channel_message_id: string | null;
  readonly sender_participant_id: number | null;
  readonly type: string;
  /** JSON text: the message content (text, location, contact, markup, quotes...). */
  readonly payload: string;
  /** JSON text or null: attachments (`media`, `file_name`, `file_size`, ...). */
  readonly media: string | null;
  readonly status: MessageStatusName;
  /** When the message was written, per its author (`msec_timestamp`). */
  readonly sent_at: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** Message life cycle; `delivered`/`read`/`failed` mirror `delivery_status` 1/2/-1 (spec 3.5). */
export type MessageStatusName = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** `message_statuses`: the status history of a message. */
export interface MessageStatusesTable {
  readonly id: Generated<number>;
  readonly message_id: number;
  readonly status: MessageStatusName;
  /** 901..905 for `failed` (spec 3.5). */
  readonly error_code: number | null;
  readonly error: string | null;
  readonly created_at: number;
}

/** `hooks`: the raw intake log of every signed amojo hook. */
export interface HooksTable {
  readonly id: Generated<number>;
  readonly scope_id: string;
  /** `message`, `comment`, `typing`, `reaction`, `unknown`... as classified by intake. */
  readonly kind: string;
  readonly raw_body: string;
  readonly signature_ok: number;
  /** amojo message id, or a hash of the body; null on duplicate rows so the original keeps the unique key. */
  readonly dedup_key: string | null;
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
  readonly reason: string | null;
  readonly duplicate_of: number | null;
  readonly job_id: number | null;
  readonly received_at: number;
}

/** Job states; `queued`, `running` and `dead` block later jobs of the same lane, `done`/`discarded` do not. */
export type JobState = 'queued' | 'running' | 'done' | 'dead' | 'discarded';

/** `jobs`: the durable queue (transactional outbox). */
export interface JobsTable {
  readonly id: Generated<number>;
  readonly kind: string;
  /** Jobs of one lane run strictly in id order; null runs without ordering. */
  readonly lane: string | null;
  /** JSON text. */
  readonly payload: string;
  readonly state: JobState;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly run_at: number;
  readonly locked_by: string | null;
  readonly locked_until: number | null;
  readonly last_error: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  /** 1 for the first live job of its lane and for jobs without a lane (maintained by queue/, migration 0008). */
  readonly lane_head: Generated<number>;
  /** The key a queued job is held for (no attempt used; released at once by `queue/hold-job.ts`); migration 0016. */
  readonly held_for: string | null;
}

/** `recovery_chats`: when outbound recovery last read a conversation's chat history (migration 0007). */
export interface RecoveryChatsTable {
  readonly conversation_row_id: number;
  readonly checked_at: number;
}

/** `recovery_accounts`: how far outbound recovery has read an account's event feed (migration 0007). */
export interface RecoveryAccountsTable {
  readonly account_id: number;
  /** When a process last took the account's recovery round, ms. */
  readonly turn_at: number;
  /** Unix seconds up to which the event feed was read; null while the account has no tokens. */
  readonly events_read_until: number | null;
}

/** `amocrm_widget_tokens`: accepted one-time widget tokens (JWT `jti`), kept until they expire. */
export interface AmocrmWidgetTokensTable {
  readonly jti: string;
  readonly expires_at: number;
}

/** `channel_health`: the health of one channel instance (migration 0015, `channels/health/`). */
export interface ChannelHealthTable {
  readonly channel_instance_id: number;
  readonly state: string;
  readonly problem: string | null;
  readonly reason: string | null;
  readonly consecutive_failures: number;
  readonly source: string;
  readonly changed_at: number;
  readonly updated_at: number;
  readonly last_error_at: number | null;
  /** While broken: when the next held send may try the messenger again, ms; null when none planned (0016). */
  readonly probe_at: number | null;
}

/** `job_hold_releases`: when each hold key was last released, ms (migration 0016, `queue/sql/hold-job.ts`). */
export interface JobHoldReleasesTable {
  readonly held_for: string;
  readonly released_at: number;
}

/** `write_probes`: the `/readyz` write check overwrites its one row (migration 0006). */
export interface WriteProbesTable {
  readonly probe_id: string;
  readonly written_at: number;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  readonly write_probes: WriteProbesTable;
  readonly accounts: AccountsTable;
  readonly channel_instances: ChannelInstancesTable;
  readonly sources: SourcesTable;
  readonly conversations: ConversationsTable;
  readonly participants: ParticipantsTable;
  readonly messages: MessagesTable;
  readonly message_statuses: MessageStatusesTable;
  readonly hooks: HooksTable;
  readonly jobs: JobsTable;
  readonly recovery_chats: RecoveryChatsTable;
  readonly recovery_accounts: RecoveryAccountsTable;
  readonly amocrm_widget_tokens: AmocrmWidgetTokensTable;
  readonly channel_health: ChannelHealthTable;
  readonly job_hold_releases: JobHoldReleasesTable;
}
