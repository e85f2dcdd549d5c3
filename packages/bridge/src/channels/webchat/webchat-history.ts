import { findConversation } from '../../store/conversations/index.js';
import type { Executor } from '../../store/store.js';
import type { ChannelMessageContent } from '../channel-adapter.js';
import type { WebchatWireMessage } from './webchat-protocol.js';
import { listWebchatReactions } from './webchat-store.js';
import { toWireMessage } from './wire-message.js';

/** How many of the latest messages the widget gets when it connects. */
export const WEBCHAT_HISTORY_LIMIT = 200;

/**
 * The latest messages of a visitor's conversation, oldest first. The conversation is found by the instance and the
 * visitor id from the verified token only, so a visitor can never name another conversation.
 */
export async function loadWebchatHistory(
  db: Executor,
  input: { readonly instanceRowId: number; readonly visitorId: string; readonly limit?: number },
): Promise<WebchatWireMessage[]> {
  const conversation = await findConversation(db, {
    channelInstanceId: input.instanceRowId,
    channelChatKey: input.visitorId,
  });
  if (!conversation) return [];
  const rows = await db
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
    .limit(input.limit ?? WEBCHAT_HISTORY_LIMIT)
    .execute();
  rows.reverse();
  const reactions = await listWebchatReactions(
    db,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((row) =>
    toWireMessage({
      id: row.msgid,
      clientId: row.direction === 'in' ? row.channel_message_id : null,
      direction: row.direction,
      content: JSON.parse(row.payload) as ChannelMessageContent,
      author: row.direction === 'out' ? row.author : null,
      sentAt: Number(row.sent_at),
      read: row.status === 'read',
      reactions: reactions.get(Number(row.id)) ?? [],
    }),
  );
}
