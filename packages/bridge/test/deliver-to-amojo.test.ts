import {
  AmojoApiError,
  type CreateChatOptions,
  type CreateChatResult,
  DUPLICATE_MSGID_ERROR_TYPE,
  type SendMessageOptions,
  type SentMessage,
} from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics/index.js';
import {
  type DeliverToAmojoDeps,
  type DeliverToAmojoPayload,
  deliverToAmojo,
} from '../src/pipelines/deliver-to-amojo.js';
import { PermanentJobError } from '../src/pipelines/relay-errors.js';
import type { Job } from '../src/queue/index.js';
import { upsertAccount } from '../src/store/accounts/index.js';
import { upsertChannelInstance } from '../src/store/channel-instances/index.js';
import { findConversation, findOrCreateConversation } from '../src/store/conversations/index.js';
import {
  asAmojoAccountId,
  asChannelChatKey,
  asChannelInstanceKey,
  asConversationId,
  asJobId,
  asMessageRowId,
  asMsgid,
  asScopeId,
  type MessageRowId,
} from '../src/store/ids.js';
import { findMessage, insertMessage } from '../src/store/messages/index.js';
import { listParticipants, upsertParticipant } from '../src/store/participants/index.js';
import { useStoreFixture } from './support/store-fixture.js';

// deliverToAmojo run on its own: a real SQLite store and an amojo with only the two methods the pipeline declares
// (DeliverToAmojoDeps), no bridge, no sandbox, no worker.

const SCOPE = 'channel-1_account-1';
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

/** An amojo that records what it is asked and answers as told: only `sendMessage` and `createChat`. */
function fakeAmojo(answer: { readonly send: () => SentMessage; readonly chat?: () => CreateChatResult }) {
  const sent: { scopeId: string; options: SendMessageOptions }[] = [];
  const chats: { scopeId: string; options: CreateChatOptions }[] = [];
  const amojo: DeliverToAmojoDeps['amojo'] = {
    async sendMessage(scopeId, options) {
      sent.push({ scopeId, options });
      return answer.send();
    },
    async createChat(scopeId, options) {
      chats.push({ scopeId, options });
      if (!answer.chat) throw new Error('createChat was not expected');
      return answer.chat();
    },
  };
  return { amojo, sent, chats };
}

function jobFor(messageRowId: MessageRowId): Job<DeliverToAmojoPayload> {
  return {
    id: asJobId(1),
    kind: 'deliver-to-amojo',
    lane: null,
    payload: { messageRowId },
    state: 'running',
    attempts: 1,
    maxAttempts: 25,
    runAt: NOW,
    lockedBy: null,
    lockedUntil: null,
    lastError: null,
    heldFor: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe('deliverToAmojo against its narrow deps', () => {
  const fixture = useStoreFixture('sqlite');

  const depsWith = (amojo: DeliverToAmojoDeps['amojo']): DeliverToAmojoDeps => ({
    store: fixture.store,
    amojo,
    config: { amocrm: undefined, encryptionKey: new Uint8Array(32) },
    metrics: createMetrics(),
    log: createSilentLogger(),
    now: () => new Date(NOW),
  });

  /** A connected account, a webchat conversation with no amojo chat yet, its client and one pending message. */
  async function seed(state: 'connected' | 'disconnected' = 'connected') {
    const db = fixture.store.db;
    const account = await upsertAccount(db, {
      scopeId: asScopeId(SCOPE),
      amojoAccountId: asAmojoAccountId('account-1'),
      channelId: 'channel-1',
      state,
      now: NOW,
    });
    const instance = await upsertChannelInstance(db, {
      key: asChannelInstanceKey('shop'),
      kind: 'webchat',
      accountId: account.id,
      now: NOW,
    });
    const { conversation } = await findOrCreateConversation(db, {
      accountId: account.id,
      channelInstanceId: instance.rowId,
      channelChatKey: asChannelChatKey('visitor-7'),
      conversationId: asConversationId('conv-7'),
      now: NOW,
    });
    const client = await upsertParticipant(db, {
      conversationRowId: conversation.id,
      role: 'client',
      participantId: 'shop:visitor-7',
      name: 'Ada',
      profile: { phone: '+15550100' },
      now: NOW,
    });
    const { message } = await insertMessage(db, {
      conversationRowId: conversation.id,
      direction: 'in',
      msgid: asMsgid('ab-msg-7'),
      senderParticipantId: client.id,
      type: 'text',
      payload: { type: 'text', text: 'Do you deliver on Sundays?' },
      sentAt: NOW - 1000,
      now: NOW - 1000,
    });
    return { conversation, message };
  }

  it('sends the stored msgid as its client and records the amojo ids with the delivery', async () => {
    const { conversation, message } = await seed();
    const { amojo, sent, chats } = fakeAmojo({
      send: () => ({
        amojoMsgId: 'amojo-msg-1',
        msgid: 'ab-msg-7',
        response: {
          new_message: { msgid: 'amojo-msg-1', ref_id: 'ab-msg-7', conversation_id: 'amojo-chat-1', sender_id: 'u-1' },
        },
      }),
    });

    const writes = await deliverToAmojo(depsWith(amojo), jobFor(message.id));
    // Nothing is recorded before the worker commits the writes with the job.
    expect((await findMessage(fixture.store.db, { id: message.id }))?.status).toBe('pending');
    expect(writes).toBeTypeOf('function');
    await fixture.store.transaction(writes!);

    expect(sent).toHaveLength(1);
    expect(sent[0]!.scopeId).toBe(SCOPE);
    expect(sent[0]!.options).toMatchObject({
      msgid: 'ab-msg-7',
      conversationId: 'conv-7',
      msecTimestamp: NOW - 1000,
      sender: { id: 'shop:visitor-7', name: 'Ada', profile: { phone: '+15550100' } },
      message: { type: 'text', text: 'Do you deliver on Sundays?' },
    });
    expect(sent[0]!.options.receiver).toBeUndefined();
    expect(chats).toHaveLength(0);
    const stored = await findMessage(fixture.store.db, { id: message.id });
    expect(stored).toMatchObject({ status: 'sent', amojoMsgId: 'amojo-msg-1' });
    expect((await findConversation(fixture.store.db, { id: conversation.id }))?.amojoChatId).toBe('amojo-chat-1');
    const participants = await listParticipants(fixture.store.db, conversation.id);
    expect(participants.find((p) => p.role === 'client')?.amojoParticipantId).toBe('u-1');
  });

  it('counts a duplicate-msgid refusal as delivered and reads the chat id through create-chat', async () => {
    const { conversation, message } = await seed();
    const { amojo, sent, chats } = fakeAmojo({
      send: () => {
        throw new AmojoApiError('msgid already used', { status: 400, errorType: DUPLICATE_MSGID_ERROR_TYPE });
      },
      chat: () => ({
        amojoChatId: 'amojo-chat-2',
        amojoUserId: 'u-2',
        phone: undefined,
        email: undefined,
        response: { id: 'amojo-chat-2', user: { id: 'u-2', name: 'Ada' } },
      }),
    });

    const writes = await deliverToAmojo(depsWith(amojo), jobFor(message.id));
    await fixture.store.transaction(writes!);

    expect(sent).toHaveLength(1);
    expect(chats).toEqual([
      {
        scopeId: SCOPE,
        options: {
          conversationId: 'conv-7',
          user: { id: 'shop:visitor-7', name: 'Ada', profile: { phone: '+15550100' } },
        },
      },
    ]);
    const stored = await findMessage(fixture.store.db, { id: message.id });
    expect(stored).toMatchObject({ status: 'sent', amojoMsgId: null });
    expect((await findConversation(fixture.store.db, { id: conversation.id }))?.amojoChatId).toBe('amojo-chat-2');
  });

  it('refuses a message of a disconnected account without calling amojo, and skips one already sent', async () => {
    const { message } = await seed('disconnected');
    const { amojo, sent } = fakeAmojo({ send: () => expect.unreachable('no send for a disconnected account') });
    await expect(deliverToAmojo(depsWith(amojo), jobFor(message.id))).rejects.toBeInstanceOf(PermanentJobError);
    await expect(deliverToAmojo(depsWith(amojo), jobFor(asMessageRowId(message.id + 100)))).rejects.toThrow(
      /does not exist/,
    );

    await fixture.store.db.updateTable('messages').set({ status: 'sent' }).where('id', '=', message.id).execute();
    expect(await deliverToAmojo(depsWith(amojo), jobFor(message.id))).toBeUndefined();
    expect(sent).toHaveLength(0);
  });
});
