import { findConversation } from '../../store/conversations/index.js';
import { asChannelChatKey, type ChannelInstanceRowId } from '../../store/ids.js';
import type { Executor } from '../../store/store.js';
import type { ChannelMessageContent } from '../channel-adapter.js';
import type { WebchatWireMessage } from './webchat-protocol.js';
import { type StoredQuoteRef, webchatQuoteOf } from './webchat-quotes.js';
import { listWebchatReactionsBy } from './webchat-store.js';
import { toWireMessage } from './wire-message.js';

/** How many of the latest messages the widget gets when it connects. */
export const WEBCHAT_HISTORY_LIMIT = 200;
/** How many earlier messages one "show earlier" loads. */
export const WEBCHAT_EARLIER_LIMIT = 50;

/**
 * The latest messages of a visitor's conversation, oldest first. The conversation is found by the instance and the
 * visitor id from the verified token only, so a visitor can never name another conversation.
 */
export async function loadWebchatHistory(
  db: Executor,
  input: { readonly instanceRowId: ChannelInstanceRowId; readonly visitorId: string; readonly limit?: number },
): Promise<WebchatWireMessage[]> {
  return (await loadWebchatHistoryPage(db, input)).messages;
}

/**
 * A page of a visitor's conversation, oldest first: the latest `limit` messages, or the `limit` before the message
 * `before` (a message id the widget has). `hasMore` says whether earlier messages exist.
 */
export async function loadWebchatHistoryPage(
  db: Executor,
  input: {
    readonly instanceRowId: ChannelInstanceRowId;
    readonly visitorId: string;
    readonly limit?: number;
    readonly before?: string;
  },
): Promise<{ messages: WebchatWireMessage[]; hasMore: boolean }> {
  const conversation = await findConversation(db, {
    channelInstanceId: input.instanceRowId,
    channelChatKey: asChannelChatKey(input.visitorId),
  });
  if (!conversation) return { messages: [], hasMore: false };
  const limit = input.limit ?? WEBCHAT_HISTORY_LIMIT;
  const before =
    input.before === undefined
      ? undefined
      : await db
          .selectFrom('messages')
          .select('id')
          .where('conversation_row_id', '=', conversation.id)
          .where('msgid', '=', input.before)
          .executeTakeFirst();
  if (input.before !== undefined && !before) return { messages: [], hasMore: false };
  let query = db
    .selectFrom('messages')
    .leftJoin('participants', 'participants.id', 'messages.sender_participant_id')
    .select([
      'messages.id',
      'messages.msgid',
      'messages.direction',
      'messages.channel_message_id',
      'messages.payload',
      'messages.status',
      'messages.sent_at',
      'participants.name as author',
    ])
    .where('messages.conversation_row_id', '=', conversation.id)
    .orderBy('messages.id', 'desc')
    .limit(limit + 1);
  if (before) query = query.where('messages.id', '<', before.id);
  const rows = await query.execute();
  const hasMore = rows.length > limit;
  if (hasMore) rows.pop();
  rows.reverse();
  const reactions = await listWebchatReactionsBy(
    db,
    rows.map((r) => Number(r.id)),
  );
  const messages: WebchatWireMessage[] = [];
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as ChannelMessageContent & { replyTo?: StoredQuoteRef };
    const on = reactions.get(Number(row.id)) ?? [];
    messages.push(
      toWireMessage({
        id: row.msgid,
        clientId: row.direction === 'in' ? row.channel_message_id : null,
        direction: row.direction,
        content: payload,
        author: row.direction === 'out' ? row.author : null,
        sentAt: Number(row.sent_at),
        read: row.status === 'read',
        reactions: on.map((r) => r.emoji),
        myReaction: on.find((r) => r.senderId === input.visitorId)?.emoji,
        replyTo: await webchatQuoteOf(db, conversation.id, payload.replyTo),
      }),
    );
  }
  return { messages, hasMore };
}
