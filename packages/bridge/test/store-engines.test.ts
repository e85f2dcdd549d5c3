import { type KyselyPlugin, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BridgeDecryptionError } from '../src/errors.js';
import { enqueue } from '../src/queue/enqueue.js';
import {
  asAmojoAccountId,
  asAmojoChatId,
  asAmojoMsgId,
  asChannelChatKey,
  asChannelInstanceKey,
  asMessageRowId,
  asMsgid,
  asScopeId,
} from '../src/store/ids.js';
import {
  findAccountByScope,
  findConversation,
  findMessage,
  findOrCreateConversation,
  findSource,
  insertMessage,
  listHooks,
  listMessageStatuses,
  listParticipants,
  migrate,
  readAccountTokens,
  readChannelInstanceSecret,
  recordMessageStatus,
  saveAccountTokens,
  setAccountState,
  updateConversation,
  upsertAccount,
  upsertChannelInstance,
  upsertParticipant,
  upsertSource,
} from '../src/store/index.js';
import { listMigrations } from '../src/store/migrations/index.js';
import { insertHookRecord } from '../src/store/ops/insert-hook-record.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const KEY = new Uint8Array(32).fill(7);
const SCOPE = asScopeId('344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81');

describe.each(ENGINES)('store on %s', (engine) => {
  const fixture = useStoreFixture(engine);

  const account = () =>
    upsertAccount(fixture.store.db, {
      scopeId: SCOPE,
      amojoAccountId: asAmojoAccountId('52e591f7-c98f-4255-8495-827210138c81'),
      channelId: '344a5002-f8ca-454d-af3d-396180102ac7',
      subdomain: 'example',
    });

  it('applies migrations once and is idempotent, also from a second store', async () => {
    expect(fixture.store.dialect).toBe(engine);
    const again = await migrate(fixture.store);
    expect(again.applied).toEqual([]);
    const other = fixture.openAnother();
    expect((await migrate(other)).applied).toEqual([]);
    await other.close();
    const recorded = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(
      fixture.store.db,
    );
    expect(recorded.rows.map((row) => row.name)).toEqual(Object.keys(listMigrations(engine)));
    expect(recorded.rows[0]?.name).toBe('0001-initial');
  });

  it('rolls an enqueued job back with the caller transaction and commits it with the data', async () => {
    const failure = new Error('caller failed after enqueue');
    await expect(
      fixture.store.transaction(async (trx) => {
        await upsertAccount(trx, {
          scopeId: asScopeId('rolled-back'),
          amojoAccountId: asAmojoAccountId('a'),
          channelId: 'c',
        });
        await enqueue(trx, { kind: 'test', lane: 'l', payload: { n: 1 } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await fixture.store.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
    expect(await findAccountByScope(fixture.store.db, asScopeId('rolled-back'))).toBeUndefined();

    const jobId = await fixture.store.transaction(async (trx) => {
      await upsertAccount(trx, {
        scopeId: asScopeId('committed'),
        amojoAccountId: asAmojoAccountId('a'),
        channelId: 'c',
      });
      return enqueue(trx, { kind: 'test', lane: 'l', payload: { n: 2 } });
    });
    const jobs = await fixture.store.db.selectFrom('jobs').selectAll().execute();
    expect(jobs.map((job) => job.id)).toEqual([jobId]);
    expect(JSON.parse(jobs[0]!.payload)).toEqual({ n: 2 });
    expect(await findAccountByScope(fixture.store.db, asScopeId('committed'))).toBeDefined();
  });

  it('upserts accounts by scope and keeps OAuth tokens encrypted at rest', async () => {
    const first = await account();
    const second = await upsertAccount(fixture.store.db, {
      scopeId: SCOPE,
      amojoAccountId: first.amojoAccountId,
      channelId: first.channelId,
      title: 'Example LLC',
    });
    expect(second.id).toBe(first.id);
    expect(second.subdomain).toBe('example');
    expect(second.title).toBe('Example LLC');

    const tokens = {
      accessToken: 'access-TOKEN-plain',
      refreshToken: 'refresh-TOKEN-plain',
      expiresAt: 1_900_000_000_000,
    };
    expect(await saveAccountTokens(fixture.store.db, { accountId: first.id, tokens, encryptionKey: KEY })).toBe(true);
    const raw = await fixture.store.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain('TOKEN-plain');
    expect(await readAccountTokens(fixture.store.db, { accountId: first.id, encryptionKey: KEY })).toEqual(tokens);
    expect((await findAccountByScope(fixture.store.db, SCOPE))?.hasTokens).toBe(true);

    // An envelope copied to another column does not decrypt (context binding), nor with another key.
    await fixture.store.db
      .updateTable('accounts')
      .set({ refresh_token_enc: raw.access_token_enc })
      .where('id', '=', first.id)
      .execute();
    await expect(
      readAccountTokens(fixture.store.db, { accountId: first.id, encryptionKey: KEY }),
    ).rejects.toBeInstanceOf(BridgeDecryptionError);
    await expect(
      readAccountTokens(fixture.store.db, { accountId: first.id, encryptionKey: new Uint8Array(32) }),
    ).rejects.toBeInstanceOf(BridgeDecryptionError);

    const disconnected = await setAccountState(fixture.store.db, { accountId: first.id, state: 'disconnected' });
    expect(disconnected?.state).toBe('disconnected');
    expect(disconnected?.disconnectedAt).toBeTypeOf('number');
  });

  it('stores channel instance secrets encrypted and keeps one default source per account', async () => {
    const acc = await account();
    const instance = await upsertChannelInstance(fixture.store.db, {
      key: asChannelInstanceKey('shop'),
      kind: 'http',
      accountId: acc.id,
      settings: { url: 'http://127.0.0.1:1/hook' },
      secret: 'whsec-PLAIN-secret',
      encryptionKey: KEY,
    });
    expect(instance.settings).toEqual({ url: 'http://127.0.0.1:1/hook' });
    expect(instance.hasSecret).toBe(true);
    const raw = await fixture.store.db.selectFrom('channel_instances').selectAll().executeTakeFirstOrThrow();
    expect(raw.secret_enc).not.toContain('PLAIN');
    expect(
      await readChannelInstanceSecret(fixture.store.db, { key: asChannelInstanceKey('shop'), encryptionKey: KEY }),
    ).toBe('whsec-PLAIN-secret');

    await upsertSource(fixture.store.db, {
      accountId: acc.id,
      externalId: 'a',
      channelInstanceId: instance.rowId,
      isDefault: true,
    });
    await upsertSource(fixture.store.db, { accountId: acc.id, externalId: 'b', isDefault: true });
    expect((await findSource(fixture.store.db, { accountId: acc.id, isDefault: true }))?.externalId).toBe('b');
    const a = await findSource(fixture.store.db, { accountId: acc.id, externalId: 'a' });
    expect(a?.isDefault).toBe(false);
    expect(a?.channelInstanceId).toBe(instance.rowId);
    // The database itself refuses a second default, whatever the code does.
    await expect(
      fixture.store.db.updateTable('sources').set({ is_default: 1 }).where('external_id', '=', 'a').execute(),
    ).rejects.toThrow();
  });

  it('deduplicates hooks by key and still logs every delivery', async () => {
    const base = {
      scopeId: SCOPE,
      kind: 'message',
      rawBody: '{"a":1}',
      signatureOk: true,
      outcome: 'accepted',
      reason: null,
      receivedAt: 1_800_000_000_000,
    } as const;
    const first = await insertHookRecord(fixture.store.db, { ...base, dedupKey: 'amojo-msg-1' });
    const second = await insertHookRecord(fixture.store.db, { ...base, dedupKey: 'amojo-msg-1' });
    const other = await insertHookRecord(fixture.store.db, { ...base, dedupKey: 'amojo-msg-2' });
    expect(first.duplicateOf).toBeUndefined();
    expect(second.duplicateOf).toBe(first.hookId);
    expect(other.duplicateOf).toBeUndefined();
    // A body-hash key, as the intake gives typing hooks.
    const typing = { ...base, kind: 'typing', rawBody: '{"t":1}', dedupKey: 'typing:hash-of-body' };
    const typing1 = await insertHookRecord(fixture.store.db, typing);
    const typing2 = await insertHookRecord(fixture.store.db, typing);
    expect([typing1.duplicateOf, typing2.duplicateOf]).toEqual([undefined, typing1.hookId]);
    const rejected = await insertHookRecord(fixture.store.db, {
      ...base,
      rawBody: '{"trunc',
      dedupKey: null,
      outcome: 'rejected',
      reason: 'body is not JSON',
    });
    expect(rejected.duplicateOf).toBeUndefined();
    const log = await listHooks(fixture.store.db, { limit: 10 });
    expect(log.map((hook) => hook.outcome)).toEqual([
      'rejected',
      'duplicate',
      'accepted',
      'accepted',
      'duplicate',
      'accepted',
    ]);
    expect(await listHooks(fixture.store.db, { limit: 10, outcome: 'rejected' })).toHaveLength(1);

    // Concurrent deliveries of one hook: exactly one is accepted.
    const racers = await Promise.all(
      Array.from({ length: 10 }, () => insertHookRecord(fixture.store.db, { ...base, dedupKey: 'amojo-msg-race' })),
    );
    expect(racers.filter((r) => r.duplicateOf === undefined)).toHaveLength(1);
  });

  it('creates a conversation once per chat key, even concurrently, and binds amojo ids', async () => {
    const acc = await account();
    const instance = await upsertChannelInstance(fixture.store.db, {
      key: asChannelInstanceKey('web'),
      kind: 'webchat',
      accountId: acc.id,
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        findOrCreateConversation(fixture.store.db, {
          accountId: acc.id,
          channelInstanceId: instance.rowId,
          channelChatKey: asChannelChatKey('visitor-1'),
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
    const conversation = results[0]!.conversation;
    expect(conversation.conversationId).toMatch(/^[0-9a-f-]{36}$/);

    await updateConversation(fixture.store.db, {
      id: conversation.id,
      amojoChatId: asAmojoChatId('chat-1'),
      activityAt: 5,
    });
    const byChat = await findOrCreateConversation(fixture.store.db, {
      accountId: acc.id,
      amojoChatId: asAmojoChatId('chat-1'),
    });
    expect(byChat).toMatchObject({ created: false, conversation: { id: conversation.id, amojoChatId: 'chat-1' } });
    // Activity time only moves forward.
    expect(byChat.conversation.lastActivityAt).toBe(conversation.lastActivityAt);

    // The update's SQL text does not depend on the values: one prepared statement for every relayed message.
    const texts: string[] = [];
    const capture: KyselyPlugin = {
      transformQuery(args) {
        texts.push(fixture.store.db.getExecutor().compileQuery(args.node, args.queryId).sql);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const traced = fixture.store.db.withPlugin(capture);
    await updateConversation(traced, { id: conversation.id, activityAt: 1_000, now: 1_000 });
    await updateConversation(traced, { id: conversation.id, activityAt: 2_000, now: 2_000 });
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).not.toMatch(/[12]000/);
    expect((await findConversation(fixture.store.db, { id: conversation.id }))?.lastActivityAt).toBe(
      conversation.lastActivityAt,
    );

    // "Write first": a chat started in amoCRM, found later by phone.
    const writeFirst = await findOrCreateConversation(fixture.store.db, {
      accountId: acc.id,
      amojoChatId: asAmojoChatId('chat-2'),
      phone: '+79151112233',
    });
    expect(writeFirst.created).toBe(true);
    expect((await findConversation(fixture.store.db, { accountId: acc.id, phone: '+79151112233' }))?.id).toBe(
      writeFirst.conversation.id,
    );
  });

  it('gives a message one stable msgid however often it is stored, and keeps its status history', async () => {
    const acc = await account();
    const instance = await upsertChannelInstance(fixture.store.db, {
      key: asChannelInstanceKey('web'),
      kind: 'webchat',
      accountId: acc.id,
    });
    const { conversation } = await findOrCreateConversation(fixture.store.db, {
      accountId: acc.id,
      channelInstanceId: instance.rowId,
      channelChatKey: asChannelChatKey('visitor-1'),
    });
    const client = await upsertParticipant(fixture.store.db, {
      conversationRowId: conversation.id,
      role: 'client',
      participantId: 'client-1',
      name: 'Ann',
      profile: { phone: '+7000' },
    });
    await upsertParticipant(fixture.store.db, {
      conversationRowId: conversation.id,
      role: 'client',
      participantId: 'client-1',
      amojoParticipantId: 'amojo-user-1',
    });
    const participants = await listParticipants(fixture.store.db, conversation.id);
    expect(participants).toHaveLength(1);
    expect(participants[0]).toMatchObject({
      name: 'Ann',
      amojoParticipantId: 'amojo-user-1',
      profile: { phone: '+7000' },
    });

    const input = {
      conversationRowId: conversation.id,
      direction: 'in' as const,
      channelMessageId: 'm-1',
      senderParticipantId: client.id,
      type: 'text',
      payload: { text: 'hello' },
    };
    const first = await insertMessage(fixture.store.db, input);
    const retried = await insertMessage(fixture.store.db, input);
    expect(first.created).toBe(true);
    expect(retried.created).toBe(false);
    expect(retried.message.msgid).toBe(first.message.msgid);
    expect(retried.message.payload).toEqual({ text: 'hello' });
    // The same channel message id in the other direction is another message.
    expect((await insertMessage(fixture.store.db, { ...input, direction: 'out' })).created).toBe(true);

    const explicit = {
      conversationRowId: conversation.id,
      direction: 'out' as const,
      msgid: asMsgid('our-1'),
      type: 'text',
      payload: {},
    };
    const a = await insertMessage(fixture.store.db, { ...explicit, amojoMsgId: asAmojoMsgId('amojo-1') });
    const b = await insertMessage(fixture.store.db, {
      ...explicit,
      msgid: asMsgid('our-2'),
      amojoMsgId: asAmojoMsgId('amojo-1'),
    });
    expect(b).toMatchObject({ created: false, message: { id: a.message.id, msgid: 'our-1' } });
    expect((await findMessage(fixture.store.db, { amojoMsgId: asAmojoMsgId('amojo-1') }))?.id).toBe(a.message.id);

    const id = first.message.id;
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'sent' })).toBe('sent');
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'read' })).toBe('read');
    // A late "delivered" is recorded in history but does not downgrade the message.
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'delivered' })).toBe('read');
    const history = await listMessageStatuses(fixture.store.db, id);
    expect(history.map((entry) => entry.status)).toEqual(['pending', 'sent', 'read', 'delivered']);
    expect(history[1]).toMatchObject({ messageId: id, errorCode: null, error: null });
    expect(typeof history[1]?.createdAt).toBe('number');
    const failed = await recordMessageStatus(fixture.store.db, {
      messageId: a.message.id,
      status: 'failed',
      errorCode: 905,
      error: 'unsupported type',
    });
    expect(failed).toBe('failed');
    expect((await listMessageStatuses(fixture.store.db, a.message.id)).at(-1)).toMatchObject({
      status: 'failed',
      errorCode: 905,
      error: 'unsupported type',
    });
    // A messenger's asynchronous failure (WhatsApp `failed` after the send was accepted) is final: it replaces
    // `delivered` and a late `delivered` or `read` does not hide it; the normal climb is unchanged.
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'failed', errorCode: 904 })).toBe(
      'failed',
    );
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'delivered' })).toBe('failed');
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'read' })).toBe('failed');
    expect(await recordMessageStatus(fixture.store.db, { messageId: id, status: 'sent' })).toBe('failed');
    expect(
      await recordMessageStatus(fixture.store.db, { messageId: asMessageRowId(999_999), status: 'sent' }),
    ).toBeUndefined();
  });
});
