import type { Selectable } from 'kysely';
import type { ManagedInstance } from '../channels/manage/managed-instance.js';
import type { Job } from '../queue/job.js';
import type { Account } from '../store/accounts/account.js';
import { type Conversation, toConversation } from '../store/conversations/conversation.js';
import type { HooksTable, MessageStatusesTable } from '../store/database.js';
import type { MessageWithStatuses } from '../store/ops/list-conversation-messages.js';
import type { ConversationRow } from '../store/ops/list-conversations-page.js';
import type { Source } from '../store/sources/source.js';

// Rows become camelCase JSON with parsed JSON columns; times stay epoch milliseconds and gain an ISO twin for humans.
// No database row id leaves the admin API: an account is named by its amojo account id, a channel instance by its
// key, a conversation by our `conversation_id`, a message by its `msgid`. Jobs, hook log entries and import runs
// keep their own ids: those records exist only in the bridge, and the id is the name logs give them (`jobId`).

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** An account as the admin API shows it (its amojo account id names it). */
export function accountJson(account: Account) {
  const { id: _rowId, ...shown } = account;
  return shown;
}

/** A channel instance as the admin API shows it: its key names it, its account is given by amojo account id. */
export function instanceJson(instance: ManagedInstance, amojoAccountIds: ReadonlyMap<number, string>) {
  const { rowId: _rowId, accountId, ...shown } = instance;
  return { ...shown, accountId: accountId === null ? null : (amojoAccountIds.get(accountId) ?? null) };
}

/** An amoCRM source as the admin API shows it, with its channel instance's key. */
export function sourceJson(source: Source, amojoAccountId: string, instanceKeys: ReadonlyMap<number, string>) {
  const { id: _rowId, accountId: _accountRowId, channelInstanceId, ...shown } = source;
  return {
    ...shown,
    accountId: amojoAccountId,
    channelInstanceKey: channelInstanceId === null ? null : (instanceKeys.get(channelInstanceId) ?? null),
  };
}

/** A conversation as the admin API shows it; `conversationId` names it in the conversation routes. */
export function conversationJson(
  conversation: Conversation,
  refs: { readonly amojoAccountId: string; readonly channelInstanceKey: string | null },
) {
  return {
    conversationId: conversation.conversationId,
    accountId: refs.amojoAccountId,
    channelInstanceKey: refs.channelInstanceKey,
    amojoChatId: conversation.amojoChatId,
    channelChatKey: conversation.channelChatKey,
    sourceExternalId: conversation.sourceExternalId,
    contactId: conversation.contactId,
    phone: conversation.phone,
    lastActivityAt: iso(conversation.lastActivityAt),
    createdAt: iso(conversation.createdAt),
  };
}

/** A conversation as the admin list shows it: the row plus who the customer is and which channel it came by. */
export function listedConversationJson(row: ConversationRow) {
  return {
    ...conversationJson(toConversation(row), {
      amojoAccountId: row.amojo_account_id,
      channelInstanceKey: row.channel_key,
    }),
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
