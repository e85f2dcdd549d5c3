import type { HistoryItem } from '@amojo-bridge/sdk';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isImportedMsgid } from '../import/imported-msgid.js';
import { asAmojoMsgId, asMsgid } from '../store/ids.js';
import { findHistoryMessages } from '../store/ops/find-history-messages.js';
import type { MessageWithStatuses } from '../store/ops/list-conversation-messages.js';
import type { AdminDeps } from './admin-deps.js';
import { conversationAccountQuery, conversationParams, findAdminConversation } from './find-admin-conversation.js';
import { parseInput } from './parse-input.js';
import { messageJson } from './serialize.js';

const historyQuery = z.object({
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(50).default(50),
  ...conversationAccountQuery,
});

/** Where a message is known: in amojo and our store, in amojo only (imported, or never hooked), ours only (unsent). */
type KnownTo = 'both' | 'amojo' | 'bridge';

/** Message statuses that mean amojo accepted the message. */
const AMOJO_HAS_IT: ReadonlySet<string> = new Set(['sent', 'delivered', 'read']);

// amojo's `sender.client_id` is our participant id of the sender (spec 3.6), shown as `participantId`.
function amojoJson(item: HistoryItem) {
  const m = item.message;
  return {
    id: m.id,
    msgid: m.client_id ?? null,
    type: m.type,
    text: m.text ?? '',
    ...(m.media ? { media: m.media, fileName: m.file_name ?? '', fileSize: m.file_size ?? 0 } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.contact ? { contact: m.contact } : {}),
    sender: item.sender
      ? { id: item.sender.id, name: item.sender.name ?? null, participantId: item.sender.client_id ?? null }
      : null,
    receiver: item.receiver ? { id: item.receiver.id, name: item.receiver.name ?? null } : null,
    at: new Date(item.msec_timestamp ?? item.timestamp * 1000).toISOString(),
  };
}

/**
 * `GET /conversations/:conversationId/history?offset=&limit=[&accountId=]`: one page (at most 50, newest first) of amojo's history of the
 * chat (spec 3.6), each message merged with what the bridge stored about it (direction, status timeline) and
 * marked with which side knows it. The first page also lists the messages amojo does not have yet. `nextOffset`
 * is null after the last page.
 */
export function registerConversationHistoryRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/conversations/:conversationId/history', async (request) => {
    const { conversationId } = parseInput(conversationParams, request.params, 'params');
    const { offset, limit, accountId } = parseInput(historyQuery, request.query, 'query');
    const { conversation, account } = await findAdminConversation(deps.store.db, {
      conversationId,
      amojoAccountId: accountId,
    });
    const page = conversation.amojoChatId
      ? await deps.amojo.getHistory(account.scopeId, conversation.amojoChatId, { offset, limit })
      : [];
    const stored = await findHistoryMessages(deps.store.db, {
      conversationRowId: conversation.id,
      msgids: page.flatMap((item) => (item.message.client_id ? [asMsgid(item.message.client_id)] : [])),
      amojoMsgIds: page.map((item) => asAmojoMsgId(item.message.id)),
      withUnsent: offset === 0,
    });
    const byMsgid = new Map(stored.map((m) => [m.msgid, m]));
    const byAmojoId = new Map(stored.flatMap((m) => (m.amojo_msgid ? [[m.amojo_msgid, m] as const] : [])));
    const matched = new Set<number>();
    const item = (knownTo: KnownTo, amojo: HistoryItem | undefined, bridge: MessageWithStatuses | undefined) => ({
      knownTo,
      imported: isImportedMsgid(bridge?.msgid ?? amojo?.message.client_id),
      amojo: amojo ? amojoJson(amojo) : null,
      bridge: bridge ? messageJson(bridge) : null,
    });
    const items = page.map((h) => {
      const bridge =
        (h.message.client_id ? byMsgid.get(h.message.client_id) : undefined) ?? byAmojoId.get(h.message.id);
      if (bridge) matched.add(bridge.id);
      return item(bridge ? 'both' : 'amojo', h, bridge);
    });
    // Not in amojo yet: no amojo id AND not sent. A message amojo accepted on a retry ("duplicate msgid") is sent
    // but has no amojo id recorded; it is in amojo's history, on this page or another, never "bridge only".
    const unsent = stored
      .filter((m) => !matched.has(m.id) && m.amojo_msgid === null && !AMOJO_HAS_IT.has(m.status))
      .map((m) => item('bridge', undefined, m));
    return {
      conversationId: conversation.conversationId,
      amojoChatId: conversation.amojoChatId,
      items: [...unsent, ...items],
      nextOffset: page.length === limit ? offset + page.length : null,
    };
  });
}
