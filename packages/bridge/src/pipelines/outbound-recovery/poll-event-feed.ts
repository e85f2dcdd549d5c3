import type { AmocrmClient } from '@amojo-bridge/sdk';
import type { Account } from '../../store/accounts/index.js';
import { scopedDedupKey } from '../../store/ops/insert-hook-record.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';

/** How the feed of one account is read; see {@link pollEventFeed}. */
export interface EventFeedOptions {
  /** Events younger than this are left for the next round: their hooks may still be on the way. Seconds. */
  readonly graceSeconds: number;
  /** Each read starts this far before the stored position, for events amoCRM commits late. Seconds. */
  readonly overlapSeconds: number;
  /** Where an account's first read starts, seconds before now. */
  readonly firstLookbackSeconds: number;
}

/** Talk id -> amojo chat id (null: the talk is gone), shared by the rounds of one process. */
export type TalkChats = Map<number, string | null>;

const TALK_CACHE_MAX = 50_000;

/**
 * Guarantee (b) with the account's OAuth tokens: one `GET /api/v4/events?filter[type]=outgoing_chat_message` per
 * account per interval (more pages only when more than 100 manager messages were sent in it) finds every manager
 * message since the stored position; the ones the bridge has neither as a message nor in the hook log are mapped to
 * their chat through the talk (`GET /api/v4/talks/{id}`, cached) and that chat gets a check. The cost follows the
 * number of manager messages, never the number of quiet chats. Resolves the conversations to check and the position
 * to store once their checks are queued (stored before, a crash in between would skip those messages for good).
 */
export async function pollEventFeed(
  deps: Pick<OutboundRecoveryDeps, 'store' | 'log' | 'now'>,
  input: {
    readonly account: Account;
    readonly client: AmocrmClient;
    readonly eventsReadUntil: number | null;
    readonly talks: TalkChats;
    readonly options: EventFeedOptions;
  },
): Promise<{
  readonly conversationRowIds: readonly number[];
  readonly readUntil: number | null;
  /** amoCRM requests this read made (feed pages and talks), charged to the round's global budget. */
  readonly requests: number;
}> {
  const { account, client, options } = input;
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const to = nowSeconds - options.graceSeconds;
  const from = Math.max(
    0,
    (input.eventsReadUntil ?? nowSeconds - options.firstLookbackSeconds) - options.overlapSeconds,
  );
  if (to < from) return { conversationRowIds: [], readUntil: null, requests: 0 };
  let requests = 0;

  const messageTalks = new Map<string, number>();
  for (let page = 1; ; page++) {
    requests++;
    const answer = await client.listEvents({
      types: ['outgoing_chat_message'],
      createdFrom: from,
      createdTo: to,
      page,
      limit: 100,
    });
    for (const event of answer.events) {
      for (const value of event.value_after ?? []) {
        const message = value.message;
        if (message?.id && message.talk_id !== undefined) messageTalks.set(message.id, message.talk_id);
      }
    }
    if (!answer.hasNext || answer.events.length === 0) break;
  }

  const db = deps.store.db;
  const ids = [...messageTalks.keys()];
  const unknownTalks = new Set<number>();
  // In chunks: the lists are bounded by the manager messages of one interval, but a first read may hold thousands.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [messages, hooks] = await Promise.all([
      db.selectFrom('messages').select('amojo_msgid').where('amojo_msgid', 'in', chunk).execute(),
      db
        .selectFrom('hooks')
        .select('dedup_key')
        .where(
          'dedup_key',
          'in',
          chunk.map((id) => scopedDedupKey(account.scopeId, id)),
        )
        .execute(),
    ]);
    const known = new Set([
      ...messages.map((r) => r.amojo_msgid),
      ...hooks.map((r) => (r.dedup_key ?? '').slice(account.scopeId.length + 1)),
    ]);
    for (const id of chunk) if (!known.has(id)) unknownTalks.add(messageTalks.get(id)!);
  }

  const conversations = new Set<number>();
  for (const talkId of unknownTalks) {
    let chatId = input.talks.get(talkId);
    if (chatId === undefined) {
      requests++;
      const talk = await client.getTalk(talkId);
      chatId = talk?.chat_id ?? null;
      if (input.talks.size >= TALK_CACHE_MAX) input.talks.clear();
      input.talks.set(talkId, chatId);
    }
    if (!chatId) continue;
    const conversation = await db
      .selectFrom('conversations')
      .select('id')
      .where('account_id', '=', account.id)
      .where('amojo_chat_id', '=', chatId)
      .executeTakeFirst();
    // A talk of another channel of the account (or a "write first" chat never bound): not ours to deliver.
    if (conversation) conversations.add(conversation.id);
  }
  if (unknownTalks.size > 0) {
    deps.log.info(
      {
        event: 'event_feed_read',
        accountId: account.id,
        from,
        to,
        managerMessages: messageTalks.size,
        chatsToCheck: conversations.size,
      },
      'event feed names manager messages the bridge never received',
    );
  }
  return { conversationRowIds: [...conversations], readUntil: to, requests };
}
