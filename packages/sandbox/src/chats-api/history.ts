import { invalidRequest } from '../errors.js';
import type { MessageRecord, ParticipantRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { ChatsAnswer, ChatsContext } from './chats-context.js';

function historyUser(p: ParticipantRecord) {
  return {
    id: p.id,
    name: p.name,
    ...(p.clientId === null ? {} : { client_id: p.clientId }),
    ...(p.avatar === undefined ? {} : { avatar: p.avatar }),
    ...(p.phone === undefined ? {} : { phone: p.phone }),
    ...(p.email === undefined ? {} : { email: p.email }),
  };
}

function historyItem(state: SandboxState, m: MessageRecord) {
  return {
    timestamp: Math.floor(m.createdAt / 1000),
    msec_timestamp: m.createdAt,
    sender: historyUser(state.participant(m.senderId)),
    ...(m.receiverId === null ? {} : { receiver: historyUser(state.participant(m.receiverId)) }),
    message: {
      id: m.id,
      ...(m.clientMsgId === null ? {} : { client_id: m.clientMsgId }),
      type: m.type,
      text: m.text,
      // Spec 3.6: media fields are "" / 0 when unused.
      media: m.media,
      thumbnail: m.thumbnail,
      file_name: m.fileName,
      file_size: m.fileSize,
      ...(m.mediaGroupId === undefined ? {} : { media_group_id: m.mediaGroupId }),
      ...(m.location === undefined ? {} : { location: m.location }),
      ...(m.contact === undefined ? {} : { contact: m.contact }),
    },
  };
}

function intParam(query: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw invalidRequest(`${name} must be a non-negative integer`);
  return Number(raw);
}

/** `GET .../chats/{amojo_chat_id}/history` (spec 3.6): newest first; 204 for an unknown or empty chat. */
export function history(
  ctx: ChatsContext,
  scopeId: string,
  chatId: string,
  query: Record<string, string | undefined>,
): ChatsAnswer {
  const offset = intParam(query, 'offset', 0);
  const limit = intParam(query, 'limit', 50);
  if (limit < 1 || limit > 50) throw invalidRequest('limit must be between 1 and 50');
  const chat = ctx.state.chats.get(chatId);
  // Only chats of the calling channel and account are readable (spec 3.6, [CAP]); others look like unknown chats.
  if (!chat || chat.scopeId !== scopeId) return { status: 204 };
  const newestFirst = [...ctx.state.chatMessageList(chatId)].sort((a, b) => b.createdAt - a.createdAt);
  const page = newestFirst.slice(offset, offset + limit);
  if (page.length === 0) return { status: 204 };
  return { status: 200, body: { messages: page.map((m) => historyItem(ctx.state, m)) } };
}
