import type { Selectable } from 'kysely';
import type { Job } from '../queue/job.js';
import type { ConversationsTable, HooksTable, MessageStatusesTable } from '../store/database.js';
import type { MessageWithStatuses } from '../store/ops/list-conversation-messages.js';
import type { ConversationRow } from '../store/ops/list-conversations-page.js';

// Rows become camelCase JSON with parsed JSON columns; times stay epoch milliseconds and gain an ISO twin for humans.

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** A conversation as the admin API shows it. */
export function conversationJson(row: Selectable<ConversationsTable>) {
  return {
    id: row.id,
    accountId: row.account_id,
    channelInstanceId: row.channel_instance_id,
    conversationId: row.conversation_id,
    amojoChatId: row.amojo_chat_id,
    channelChatKey: row.channel_chat_key,
    sourceExternalId: row.source_external_id,
    contactId: row.contact_id,
    phone: row.phone,
    lastActivityAt: iso(row.last_activity_at),
    createdAt: iso(row.created_at),
  };
}

/** A conversation as the admin list shows it: the row plus who the customer is and which channel it came by. */
export function listedConversationJson(row: ConversationRow) {
  return {
    ...conversationJson(row),
    customerName: row.customer_name,
    channel: row.channel_key ? { key: row.channel_key, kind: row.channel_kind, name: row.channel_name } : null,
  };
}

function statusJson(row: Selectable<MessageStatusesTable>) {
  return { status: row.status, errorCode: row.error_code, error: row.error, at: iso(row.created_at) };
}

/** A message with its status history as the admin API shows it. */
export function messageJson(row: MessageWithStatuses) {
  return {
    id: row.id,
    direction: row.direction,
    msgid: row.msgid,
    amojoMsgid: row.amojo_msgid,
    channelMessageId: row.channel_message_id,
    type: row.type,
    payload: parseJson(row.payload),
    media: parseJson(row.media),
    status: row.status,
    sentAt: iso(row.sent_at),
    createdAt: iso(row.created_at),
    statuses: row.statuses.map(statusJson),
  };
}

/** A job as the admin API shows it, with its last error. */
export function jobJson(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    lane: job.lane,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: iso(job.runAt),
    lastError: job.lastError,
    heldFor: job.heldFor,
    payload: job.payload,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
  };
}

/** A hook log entry; the raw body is included so a rejected hook can be inspected. */
export function hookJson(row: Selectable<HooksTable>) {
  return {
    id: row.id,
    scopeId: row.scope_id,
    kind: row.kind,
    outcome: row.outcome,
    reason: row.reason,
    signatureOk: row.signature_ok === 1,
    duplicateOf: row.duplicate_of,
    jobId: row.job_id,
    receivedAt: iso(row.received_at),
    rawBody: row.raw_body,
  };
}
