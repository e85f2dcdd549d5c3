import type { DeliveryStatusOptions } from '@amojo-bridge/sdk';
import { type ChannelErrorCode, isChannelErrorCode } from '../channels/channel-adapter.js';
import type { Job } from '../queue/index.js';
import { findAccount, findAccountByScope } from '../store/accounts/index.js';
import { findConversation } from '../store/conversations/index.js';
import type { AmojoMsgId, MessageRowId, ScopeId } from '../store/ids.js';
import { findMessage, listMessageStatuses } from '../store/messages/index.js';
import type { Store } from '../store/store.js';
import type { RelayAmojo } from './relay-amojo.js';
import { jobErrorFromAmojo, PermanentJobError } from './relay-errors.js';

/**
 * Payload of a `report-status` job: a stored outbound message (its current status is reported, so a late job never
 * moves amoCRM back from "read" to "delivered"), or a refusal of a message that could not even be stored.
 */
export type ReportStatusPayload =
  | { readonly messageRowId: MessageRowId }
  | {
      readonly scopeId: ScopeId;
      readonly amojoMsgId: AmojoMsgId;
      readonly status: -1;
      readonly errorCode: ChannelErrorCode;
      readonly error: string;
    };

/** What {@link reportStatus} uses: the store and amojo's `delivery_status`. */
export interface ReportStatusDeps {
  readonly store: Store;
  readonly amojo: Pick<RelayAmojo, 'deliveryStatus'>;
}

/** Tells amojo what became of a manager message (spec 3.5): 1 delivered, 2 read, -1 with 90x and a reason. */
export async function reportStatus(deps: ReportStatusDeps, job: Job<ReportStatusPayload>): Promise<void> {
  const target = await resolveTarget(deps, job.payload);
  if (!target) return;
  try {
    await deps.amojo.deliveryStatus(target.scopeId, target.amojoMsgId, target.status);
  } catch (error) {
    throw jobErrorFromAmojo(error, `reporting status of ${target.amojoMsgId}`);
  }
}

async function resolveTarget(
  deps: ReportStatusDeps,
  payload: ReportStatusPayload,
): Promise<{ scopeId: ScopeId; amojoMsgId: AmojoMsgId; status: DeliveryStatusOptions } | undefined> {
  const db = deps.store.db;
  if (!('messageRowId' in payload)) {
    const account = await findAccountByScope(db, payload.scopeId);
    if (account?.state !== 'connected') return undefined;
    return {
      scopeId: payload.scopeId,
      amojoMsgId: payload.amojoMsgId,
      status: { status: -1, errorCode: payload.errorCode, error: payload.error },
    };
  }
  const message = await findMessage(db, { id: payload.messageRowId });
  if (!message?.amojoMsgId) throw new PermanentJobError(`message row ${payload.messageRowId} has no amojo id`);
  const conversation = await findConversation(db, { id: message.conversationRowId });
  const account = conversation && (await findAccount(db, { id: conversation.accountId }));
  if (account?.state !== 'connected') return undefined; // nobody to tell: the scope was disconnected
  let status: DeliveryStatusOptions;
  if (message.status === 'read') status = { status: 2 };
  else if (message.status === 'delivered') status = { status: 1 };
  else if (message.status === 'failed') {
    const history = await listMessageStatuses(db, message.id);
    const failure = history.reverse().find((entry) => entry.status === 'failed');
    const code = failure?.errorCode;
    status = {
      status: -1,
      errorCode: isChannelErrorCode(code) ? code : 905,
      error: failure?.error ?? 'the messenger refused the message',
    };
  } else return undefined;
  return { scopeId: account.scopeId, amojoMsgId: message.amojoMsgId, status };
}
