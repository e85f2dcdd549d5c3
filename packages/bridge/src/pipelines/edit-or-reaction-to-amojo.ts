import { AmojoApiError } from '@amojo-bridge/sdk';
import type { Logger } from '../log.js';
import type { Job } from '../queue/index.js';
import { findAccount } from '../store/accounts/index.js';
import { findConversation } from '../store/conversations/index.js';
import type { MessageRowId } from '../store/ids.js';
import { findMessage, type Message, setMessageText } from '../store/messages/index.js';
import type { Store } from '../store/store.js';
import type { EditToAmojoPayload, ReactionToAmojoPayload } from './receive-edit-or-reaction.js';
import type { RelayAmojo } from './relay-amojo.js';
import { jobErrorFromAmojo, PermanentJobError } from './relay-errors.js';

/** What {@link editToAmojo} and {@link reactionToAmojo} use: the store, amojo's edit and reaction calls, log, clock. */
export interface EditOrReactionToAmojoDeps {
  readonly store: Store;
  readonly amojo: Pick<RelayAmojo, 'editMessage' | 'react' | 'unreact'>;
  readonly log: Logger;
  readonly now: () => Date;
}

async function loadTarget(deps: EditOrReactionToAmojoDeps, messageRowId: MessageRowId) {
  const message = await findMessage(deps.store.db, { id: messageRowId });
  if (!message) throw new PermanentJobError(`message row ${messageRowId} does not exist`);
  const conversation = await findConversation(deps.store.db, { id: message.conversationRowId });
  if (!conversation) throw new PermanentJobError(`conversation row ${message.conversationRowId} does not exist`);
  const account = await findAccount(deps.store.db, { id: conversation.accountId });
  if (account?.state !== 'connected') {
    throw new PermanentJobError(`account ${conversation.accountId} is not connected; replay after reconnecting`);
  }
  return { message, conversation, account };
}

/** amojo's ids of a message: ours (msgid) for a customer message, amojo's for a manager message. */
function messageRef(message: Message): { msgid: string } | { amojoMsgId: string } {
  return message.direction === 'out' && message.amojoMsgId
    ? { amojoMsgId: message.amojoMsgId }
    : { msgid: message.msgid };
}

/**
 * Sends a customer's edit to amojo (`edit_message`, spec 3.4). Runs in the inbound lane after the edited message;
 * an edit sets content, so a retry is harmless.
 */
export async function editToAmojo(deps: EditOrReactionToAmojoDeps, job: Job<EditToAmojoPayload>): Promise<void> {
  const { message, conversation, account } = await loadTarget(deps, job.payload.messageRowId);
  if (message.status === 'failed' || message.status === 'pending') {
    throw new PermanentJobError(`message ${message.msgid} never reached amoCRM (status ${message.status}): not edited`);
  }
  // amojo replaces the content: the original's type and media with the new text (a caption for media).
  const original = message.payload as {
    type?: string;
    media?: string;
    fileName?: string;
    fileSize?: number;
    mediaDuration?: number;
  };
  try {
    await deps.amojo.editMessage(account.scopeId, {
      msgid: message.msgid,
      conversationId: conversation.conversationId,
      msecTimestamp: job.payload.editedAtMs,
      message: {
        type: (original.type ?? 'text') as 'text',
        text: job.payload.text,
        ...(original.media ? { media: original.media } : {}),
        ...(original.fileName ? { fileName: original.fileName } : {}),
        ...(original.fileSize !== undefined ? { fileSize: original.fileSize } : {}),
        ...(original.mediaDuration !== undefined ? { mediaDuration: original.mediaDuration } : {}),
      },
    });
    // The stored message says what amoCRM shows now: a channel reading its history (webchat) shows the new text.
    await setMessageText(deps.store.db, { id: message.id, text: job.payload.text, now: deps.now().getTime() });
  } catch (error) {
    throw jobErrorFromAmojo(error, `editing message ${message.msgid}`);
  }
}

/**
 * Sends a customer's reaction to amojo (spec 3.8). An emoji amoCRM refuses (not among the channel's declared
 * reactions) is dropped with a warning: there is no delivery status for reactions to report it through.
 */
export async function reactionToAmojo(
  deps: EditOrReactionToAmojoDeps,
  job: Job<ReactionToAmojoPayload>,
): Promise<void> {
  const p = job.payload;
  const { message, conversation, account } = await loadTarget(deps, p.messageRowId);
  const base = { conversationId: conversation.conversationId, ...messageRef(message), user: { id: p.participantId } };
  try {
    if (p.type === 'react') await deps.amojo.react(account.scopeId, { ...base, emoji: p.emoji });
    else await deps.amojo.unreact(account.scopeId, base);
  } catch (error) {
    if (error instanceof AmojoApiError && error.status === 400) {
      deps.log.warn(
        { event: 'customer_reaction_dropped', msgid: message.msgid, emoji: p.emoji, reason: error.description },
        'amoCRM refused the customer reaction: dropped',
      );
      return;
    }
    throw jobErrorFromAmojo(error, `${p.type} on message ${message.msgid}`);
  }
}
