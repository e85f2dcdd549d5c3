import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  asAmojoAccountId,
  asAmojoMsgId,
  asChannelChatKey,
  asChannelInstanceKey,
  asMessageRowId,
  asScopeId,
} from '../src/store/ids.js';
import {
  findMessage,
  findOrCreateConversation,
  findRelayedMessage,
  hasDeliveredCustomerMessage,
  insertMessage,
  recordMessageStatus,
  setMessageChannelMessageId,
  setMessageText,
  upsertAccount,
  upsertChannelInstance,
} from '../src/store/index.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

// The store operations the pipelines call instead of writing SQL of their own: a forward's original by either id,
// "has amojo got a customer message of this chat", the customer system's id of a sent message.

describe.each(ENGINES)('relayed-message lookups on %s', (engine) => {
  const fixture = useStoreFixture(engine);

  async function chat(scope: string, key: string) {
    const db = fixture.store.db;
    const account = await upsertAccount(db, {
      scopeId: asScopeId(scope),
      amojoAccountId: asAmojoAccountId(`acc-${scope}`),
      channelId: 'ch',
    });
    const instance = await upsertChannelInstance(db, {
      key: asChannelInstanceKey(`web-${scope}`),
      kind: 'webchat',
      accountId: account.id,
    });
    const { conversation } = await findOrCreateConversation(db, {
      accountId: account.id,
      channelInstanceId: instance.rowId,
      channelChatKey: asChannelChatKey(key),
    });
    return { account, conversation };
  }

  it('finds a forward original by our msgid or the customer id, only when amojo has it, only in its account', async () => {
    const db = fixture.store.db;
    const { account, conversation } = await chat('scope-a', 'visitor-1');
    const other = await chat('scope-b', 'visitor-2');
    const pending = await insertMessage(db, {
      conversationRowId: conversation.id,
      direction: 'in',
      channelMessageId: 'cust-1',
      type: 'text',
      payload: { text: 'hi' },
    });
    // A customer message amojo does not have yet is no original.
    expect(await findRelayedMessage(db, { accountRowId: account.id, id: 'cust-1' })).toBeUndefined();
    expect(await hasDeliveredCustomerMessage(db, conversation.id)).toBe(false);
    await recordMessageStatus(db, { messageId: pending.message.id, status: 'sent' });
    expect(await hasDeliveredCustomerMessage(db, conversation.id)).toBe(true);
    const byChannelId = await findRelayedMessage(db, { accountRowId: account.id, id: 'cust-1' });
    expect(byChannelId).toEqual({ msgid: pending.message.msgid, amojoMsgId: null, direction: 'in', amojoChatId: null });
    expect(await findRelayedMessage(db, { accountRowId: account.id, id: pending.message.msgid })).toEqual(byChannelId);
    // Another account never sees it.
    expect(await findRelayedMessage(db, { accountRowId: other.account.id, id: 'cust-1' })).toBeUndefined();

    // A manager message came from amojo: found whatever its status, by the id the customer system gave it.
    const out = await insertMessage(db, {
      conversationRowId: conversation.id,
      direction: 'out',
      amojoMsgId: asAmojoMsgId('amojo-9'),
      type: 'text',
      payload: { text: 'answer' },
    });
    await setMessageChannelMessageId(db, { id: out.message.id, channelMessageId: 'sent-9', now: 1 });
    // The first id recorded stays.
    await setMessageChannelMessageId(db, { id: out.message.id, channelMessageId: 'sent-10', now: 2 });
    expect((await findMessage(db, { id: out.message.id }))?.channelMessageId).toBe('sent-9');
    expect(await findRelayedMessage(db, { accountRowId: account.id, id: 'sent-9' })).toMatchObject({
      msgid: out.message.msgid,
      amojoMsgId: 'amojo-9',
      direction: 'out',
    });
  });

  it.runIf(engine === 'sqlite')('looks the customer id up through its index, not a scan of messages', async () => {
    const plan = await sql<{
      detail: string;
    }>`explain query plan select id from messages where channel_message_id = ${'x'}`.execute(fixture.store.db);
    expect(plan.rows.map((row) => row.detail).join('\n')).toMatch(
      /USING (COVERING )?INDEX messages_channel_message_id/,
    );
  });

  it('stores an edited text and keeps the rest of the payload, the quote included', async () => {
    const db = fixture.store.db;
    const { conversation } = await chat('scope-e', 'visitor-e');
    const { message } = await insertMessage(db, {
      conversationRowId: conversation.id,
      direction: 'in',
      type: 'picture',
      payload: { type: 'picture', text: 'Seven, please.', media: 'https://x/y.png', replyTo: { amojoMsgId: 'a-1' } },
    });
    expect(await setMessageText(db, { id: message.id, text: 'Eight, please.', now: 5 })).toBe(true);
    const stored = await findMessage(db, { id: message.id });
    expect(stored?.payload).toEqual({
      type: 'picture',
      text: 'Eight, please.',
      media: 'https://x/y.png',
      replyTo: { amojoMsgId: 'a-1' },
    });
    expect(await setMessageText(db, { id: asMessageRowId(999_999), text: 'gone', now: 6 })).toBe(false);
  });
});
