import type { FastifyInstance } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import type { ChatRecord, MessageRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { grantOf } from './authenticate.js';
import { QueryParams } from './query-params.js';
import { selfLink, sendHal, sendNoContent, sendProblem } from './reply-helpers.js';

/** Largest page of `GET /api/v4/events` (amoCRM: "Максимум – 100"). */
const MAX_EVENTS_LIMIT = 100;
const CHAT_EVENT_TYPES = new Set(['outgoing_chat_message', 'incoming_chat_message']);

/**
 * `GET /api/v4/events` (chat message events only) and `GET /api/v4/talks/:id`, for the account of the Bearer token.
 * Every message of the account's chats is an event: `outgoing_chat_message` for direction `out` (manager, bot, or an
 * integration's outgoing import), `incoming_chat_message` for the client's. `value_after` is
 * `[{ message: { id, origin, talk_id } }]` as amoCRM's events reference shows it; a talk is the chat's conversation
 * in amoCRM and carries the amojo `chat_id`. The sandbox keeps one talk per chat (amoCRM opens a new talk after a
 * closed one; the chat id is the same), numbered in the order chats are first asked about, not persisted.
 */
export function registerTalkAndEventRoutes(app: FastifyInstance, crm: CrmState, state: SandboxState): void {
  const talkIdOfChat = new Map<string, number>();
  const chatOfTalk = new Map<number, string>();
  const talkIdOf = (chatId: string): number => {
    let id = talkIdOfChat.get(chatId);
    if (id === undefined) {
      id = talkIdOfChat.size + 1;
      talkIdOfChat.set(chatId, id);
      chatOfTalk.set(id, chatId);
    }
    return id;
  };
  const originOf = (chat: ChatRecord): string => state.channels.get(chat.channelId)?.code ?? chat.channelId;

  app.get('/api/v4/events', async (request, reply) => {
    const account = crm.account(grantOf(request).accountAmojoId)!;
    const query = new QueryParams(request.url);
    const types = (query.list('filter[type]') ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    const unknownType = types.find((t) => t !== '' && !CHAT_EVENT_TYPES.has(t));
    if (unknownType !== undefined) {
      return sendProblem(
        reply,
        400,
        `filter[type]: the sandbox emulates only outgoing_chat_message and incoming_chat_message events, got ${unknownType}`,
      );
    }
    const wanted = types.filter(Boolean).length > 0 ? new Set(types) : CHAT_EVENT_TYPES;
    const range = readCreatedAt(query);
    if (!range.ok) return sendProblem(reply, 400, range.detail);
    const page = Number(query.get('page') ?? '1');
    const limit = Number(query.get('limit') ?? '50');
    if (!Number.isInteger(page) || page < 1) return sendProblem(reply, 400, 'page must be a positive integer');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_LIMIT) {
      return sendProblem(reply, 400, `limit must be an integer from 1 to ${MAX_EVENTS_LIMIT}`);
    }

    const matching: { message: MessageRecord; chat: ChatRecord; createdAt: number }[] = [];
    for (const chat of state.chats.values()) {
      if (chat.accountId !== account.amojoId) continue;
      for (const message of state.chatMessageList(chat.id)) {
        const type = message.direction === 'out' ? 'outgoing_chat_message' : 'incoming_chat_message';
        if (!wanted.has(type)) continue;
        const createdAt = Math.floor(message.createdAt / 1000);
        if (range.from !== undefined && createdAt < range.from) continue;
        if (range.to !== undefined && createdAt > range.to) continue;
        matching.push({ message, chat, createdAt });
      }
    }
    // Newest first, as the account's event list shows them.
    matching.sort((a, b) => b.message.createdAt - a.message.createdAt || (a.message.id < b.message.id ? 1 : -1));
    const slice = matching.slice((page - 1) * limit, page * limit);
    if (slice.length === 0) return sendNoContent(reply);
    const events = slice.map(({ message, chat, createdAt }) => ({
      id: `ev-${message.id}`,
      type: message.direction === 'out' ? 'outgoing_chat_message' : 'incoming_chat_message',
      entity_id: chat.contactId ?? chat.leadId ?? 0,
      entity_type: chat.contactId !== null ? 'contact' : 'lead',
      created_by: message.direction === 'out' ? (crmUserIdOf(account, message.senderId) ?? 0) : 0,
      created_at: createdAt,
      value_after: [{ message: { id: message.id, origin: originOf(chat), talk_id: talkIdOf(chat.id) } }],
      value_before: [],
      account_id: account.id,
      _links: selfLink(request, `/api/v4/events/ev-${message.id}`),
    }));
    const links: Record<string, { href: string }> = { ...selfLink(request, request.url) };
    if (page * limit < matching.length) {
      links.next = { href: `${selfLink(request, '/api/v4/events').self.href}?page=${page + 1}&limit=${limit}` };
    }
    return sendHal(reply, { _page: page, _links: links, _embedded: { events } });
  });

  app.get<{ Params: { id: string } }>('/api/v4/talks/:id', async (request, reply) => {
    const account = crm.account(grantOf(request).accountAmojoId)!;
    const id = Number(request.params.id);
    if (!/^\d+$/.test(request.params.id) || id < 1)
      return sendProblem(reply, 400, 'talk id must be a positive integer');
    const chatId = chatOfTalk.get(id);
    const chat = chatId === undefined ? undefined : state.chats.get(chatId);
    if (!chat || chat.accountId !== account.amojoId) return sendProblem(reply, 404, `Talk ${id} not found`);
    const created = Math.floor(chat.createdAt / 1000);
    return sendHal(reply, {
      talk_id: id,
      created_at: created,
      updated_at: Math.floor(chat.lastMessageAt / 1000),
      rate: 0,
      contact_id: chat.contactId,
      chat_id: chat.id,
      entity_id: chat.leadId,
      entity_type: chat.leadId !== null ? 'lead' : null,
      is_in_work: true,
      is_read: chat.unread === 0,
      origin: originOf(chat),
      missed_at: null,
      account_id: account.id,
      _links: selfLink(request, `/api/v4/talks/${id}`),
    });
  });
}

function crmUserIdOf(
  account: { readonly users: readonly { readonly id: number; readonly amojoId: string | null }[] },
  amojoId: string,
): number | undefined {
  return account.users.find((u) => u.amojoId === amojoId)?.id;
}

type CreatedAtRange =
  | { readonly ok: true; readonly from?: number; readonly to?: number }
  | { readonly ok: false; readonly detail: string };

// `filter[created_at]=<ts>` means "from ts", `filter[created_at][from]` / `[to]` bound both sides, and the older
// comma form `filter[created_at]=<from>,<to>` is accepted too (the v2 events page documents it).
function readCreatedAt(query: QueryParams): CreatedAtRange {
  const seconds = (value: string | undefined, name: string): number | string | undefined => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) return `${name} must be a Unix timestamp in seconds, got ${JSON.stringify(value)}`;
    return Number(value);
  };
  const plain = query.get('filter[created_at]');
  const [plainFrom, plainTo] = plain === undefined ? [] : plain.split(',');
  const from = seconds(query.get('filter[created_at][from]') ?? plainFrom, 'filter[created_at][from]');
  const to = seconds(query.get('filter[created_at][to]') ?? plainTo, 'filter[created_at][to]');
  if (typeof from === 'string') return { ok: false, detail: from };
  if (typeof to === 'string') return { ok: false, detail: to };
  return { ok: true, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
