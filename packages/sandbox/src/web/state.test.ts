import { describe, expect, it } from 'vitest';
import { groupChatsBySource, HOOK_LOG_LIMIT, inboxReducer, initialState } from './state.js';
import type { HookLogEntry, SandboxChatView, SandboxMessageView } from './types.js';

const chat = (id: string, sourceExternalId: string | null, lastMessageAt: number): SandboxChatView => ({
  id,
  scopeId: 'scope',
  accountId: 'account',
  conversationId: `conv-${id}`,
  sourceExternalId,
  client: { id: `client-${id}`, clientId: null, name: id },
  contactId: null,
  leadId: null,
  unread: 0,
  lastMessageAt,
  lastMessageText: '',
  typingUntil: null,
});

const message = (id: string, createdAt: number, patch: Partial<SandboxMessageView> = {}): SandboxMessageView => ({
  id,
  clientId: null,
  chatId: 'c1',
  direction: 'in',
  author: { id: 'a', name: 'A', kind: 'client' },
  type: 'text',
  text: id,
  replyTo: null,
  createdAt,
  silent: false,
  edited: false,
  status: null,
  reactions: [],
  rev: 1,
  ...patch,
});

const hook = (id: string, at: number): HookLogEntry => ({
  id,
  at,
  scopeId: 'scope',
  url: 'http://integration/hook',
  kind: 'message',
  body: '{}',
  signature: 'x',
  attempt: { status: 200, durationMs: 1 },
  dropped: false,
  delayedMs: 0,
});

describe('groupChatsBySource', () => {
  it('puts named sources first, "no source" last, and the newest chat first in each group', () => {
    const groups = groupChatsBySource([
      chat('a', null, 1),
      chat('b', 'website', 1),
      chat('c', 'telegram', 5),
      chat('d', 'website', 9),
      chat('e', null, 7),
    ]);
    expect(groups.map((g) => [g.sourceExternalId, g.chats.map((c) => c.id)])).toEqual([
      ['telegram', ['c']],
      ['website', ['d', 'b']],
      [null, ['e', 'a']],
    ]);
  });
});

describe('inboxReducer', () => {
  it('orders live messages by time and replaces a changed one in place', () => {
    let state = inboxReducer(initialState, { type: 'event', event: { type: 'message', message: message('m2', 20) } });
    state = inboxReducer(state, { type: 'event', event: { type: 'message', message: message('m1', 10) } });
    state = inboxReducer(state, {
      type: 'event',
      event: { type: 'message', message: message('m2', 20, { status: 'read', rev: 2 }) },
    });
    expect(state.messages.c1?.map((m) => [m.id, m.status])).toEqual([
      ['m1', null],
      ['m2', 'read'],
    ]);
  });

  it('keeps live messages newer than a fetched list, drops older ones the fetch does not know', () => {
    let state = inboxReducer(initialState, { type: 'event', event: { type: 'message', message: message('old', 5) } });
    state = inboxReducer(state, { type: 'event', event: { type: 'message', message: message('live', 30) } });
    state = inboxReducer(state, { type: 'messages', chatId: 'c1', messages: [message('m2', 20), message('m1', 10)] });
    expect(state.messages.c1?.map((m) => m.id)).toEqual(['m1', 'm2', 'live']);
  });

  it('a send answer shows a new message but never rolls back a status the event stream already brought', () => {
    // The stream brought the manager message and then its "read" status before the send answer (status "sent") arrived.
    let state = inboxReducer(initialState, {
      type: 'event',
      event: { type: 'message', message: message('out', 10, { direction: 'out', status: 'read', rev: 3 }) },
    });
    state = inboxReducer(state, {
      type: 'sent',
      messages: [
        message('out', 10, { direction: 'out', status: 'sent' }),
        message('new', 11, { direction: 'out', status: 'sent' }),
      ],
    });
    expect(state.messages.c1?.map((m) => [m.id, m.status])).toEqual([
      ['out', 'read'],
      ['new', 'sent'],
    ]);
  });

  it('a fetched list that raced a live event keeps the newer revision of each message', () => {
    let state = inboxReducer(initialState, {
      type: 'event',
      event: { type: 'message', message: message('m1', 10, { direction: 'out', status: 'read', rev: 3 }) },
    });
    state = inboxReducer(state, {
      type: 'messages',
      chatId: 'c1',
      messages: [message('m1', 10, { direction: 'out', status: 'delivered', rev: 2 }), message('m0', 5, { rev: 4 })],
    });
    expect(state.messages.c1?.map((m) => [m.id, m.status])).toEqual([
      ['m0', null],
      ['m1', 'read'],
    ]);
  });

  it('keeps the hook log newest first and bounded', () => {
    let state = initialState;
    for (let i = 0; i < HOOK_LOG_LIMIT + 5; i++) {
      state = inboxReducer(state, { type: 'event', event: { type: 'hook', hook: hook(`h${i}`, i) } });
    }
    expect(state.hooks).toHaveLength(HOOK_LOG_LIMIT);
    expect(state.hooks[0]?.id).toBe(`h${HOOK_LOG_LIMIT + 4}`);
    // A hook whose answer came later replaces its first entry instead of adding a second one.
    state = inboxReducer(state, {
      type: 'event',
      event: { type: 'hook', hook: { ...hook('h10', 10_000), delayedMs: 5 } },
    });
    expect(state.hooks.filter((h) => h.id === 'h10')).toHaveLength(1);
  });

  it('replaces the chat list on a full reload and upserts single chats from events', () => {
    let state = inboxReducer(initialState, { type: 'chats', chats: [chat('a', null, 1), chat('b', null, 2)] });
    state = inboxReducer(state, { type: 'event', event: { type: 'chat', chat: { ...chat('a', null, 3), unread: 2 } } });
    expect(state.chats.a?.unread).toBe(2);
    state = inboxReducer(state, { type: 'chats', chats: [chat('b', null, 2)] });
    expect(Object.keys(state.chats)).toEqual(['b']);
  });
});
