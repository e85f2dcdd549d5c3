import { Writable } from 'node:stream';
import { DEMO } from '@amojo-bridge/sandbox';
import { signHook } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/log.js';
import { type Bridge, createBridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { ADMIN_TOKEN, adminAuth, bridgeFor, createServiceWorld, type ServiceWorld } from './support/service-harness.js';

const SCOPE_ID = `${DEMO.channelId}_${DEMO.accountAmojoId}`;

describe.each(ENGINES)('admin API on %s', (engine) => {
  let world: ServiceWorld;
  let bridge: Bridge;

  // The worker is never started here, so jobs stay in the states the tests put them in.
  beforeAll(async () => {
    world = await createServiceWorld(engine);
    bridge = await bridgeFor(world);
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  const get = (url: string, headers: Record<string, string> = adminAuth) =>
    bridge.app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload?: unknown) =>
    bridge.app.inject({
      method: 'POST',
      url,
      headers: adminAuth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  describe('authentication', () => {
    it('refuses a missing token with 401', async () => {
      const response = await bridge.app.inject({ method: 'GET', url: '/admin/api/accounts' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
    });

    it('refuses a wrong token, a token of another length and another scheme with 401', async () => {
      for (const authorization of [
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}x`,
        `Bearer ${ADMIN_TOKEN}extra`,
        `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        'Bearer ',
      ]) {
        const response = await get('/admin/api/accounts', { authorization });
        expect(response.statusCode, authorization).toBe(401);
      }
    });

    it('accepts the configured token', async () => {
      expect((await get('/admin/api/accounts')).statusCode).toBe(200);
    });
  });

  describe('accounts', () => {
    it('connects, lists and disconnects an account', async () => {
      const connected = await post('/admin/api/accounts', { accountId: DEMO.accountAmojoId, title: 'Admin test' });
      expect(connected.statusCode).toBe(200);
      expect(connected.json().account).toMatchObject({
        scopeId: SCOPE_ID,
        amojoAccountId: DEMO.accountAmojoId,
        state: 'connected',
        title: 'Admin test',
      });

      const list = await get('/admin/api/accounts');
      expect(list.json().items).toEqual([expect.objectContaining({ scopeId: SCOPE_ID, state: 'connected' })]);
      // Named by its amojo account id only: the row id stays inside the bridge.
      expect(list.json().items[0]).not.toHaveProperty('id');
      expect(connected.json().account).not.toHaveProperty('id');
      expect((await get('/admin/api/accounts?state=disconnected')).json().items).toEqual([]);

      const disconnected = await post(`/admin/api/accounts/${DEMO.accountAmojoId}/disconnect`);
      expect(disconnected.statusCode).toBe(200);
      expect(disconnected.json().account.state).toBe('disconnected');
      expect((await get('/admin/api/accounts?state=disconnected')).json().items).toHaveLength(1);

      // Connected again for the tests below (hooks need a connected scope).
      expect((await post('/admin/api/accounts', { accountId: DEMO.accountAmojoId })).statusCode).toBe(200);
    });

    it('answers 404 when disconnecting an account the bridge never stored', async () => {
      const response = await post('/admin/api/accounts/00000000-0000-4000-8000-000000000000/disconnect');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'account_unknown' });
      expect(response.json().message).toMatch(/not stored by this bridge/);
    });

    it('passes amojo refusals on as 502 with the reason', async () => {
      // A well-formed id of an account the sandbox does not have.
      const response = await post('/admin/api/accounts', { accountId: '11111111-2222-4333-8444-555555555555' });
      expect(response.statusCode).toBe(502);
      expect(response.json()).toMatchObject({ error: 'amojo_refused' });
    });

    it('names the bad field', async () => {
      const bad = await post('/admin/api/accounts', { accountId: 'not-a-uuid' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'invalid_input', field: 'accountId' });
      expect(bad.json().message).toMatch(/accountId: expected an amojo account id/);

      const missing = await post('/admin/api/accounts', {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json().field).toBe('accountId');

      const extra = await post('/admin/api/accounts', { accountId: DEMO.accountAmojoId, colour: 'red' });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().message).toMatch(/colour/);

      const state = await get('/admin/api/accounts?state=gone');
      expect(state.statusCode).toBe(400);
      expect(state.json().field).toBe('state');
    });

    it('answers malformed JSON with 400', async () => {
      const response = await bridge.app.inject({
        method: 'POST',
        url: '/admin/api/accounts',
        headers: { ...adminAuth, 'content-type': 'application/json' },
        payload: '{"accountId":',
      });
      expect(response.statusCode).toBe(400);
    });
  });

  describe('channel instances', () => {
    it('creates an http instance showing its secret once, lists it without the secret, deletes it', async () => {
      const created = await post('/admin/api/channel-instances', {
        kind: 'http',
        name: 'Shop',
        url: 'https://shop.example/amojo-events',
      });
      expect(created.statusCode).toBe(201);
      const { instance, secret, eventsUrl } = created.json();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(instance).toMatchObject({
        kind: 'http',
        name: 'Shop',
        settings: { url: 'https://shop.example/amojo-events' },
      });
      // Attached to the only connected account, named by its amojo account id; the instance by its key.
      expect(instance.accountId).toBe(DEMO.accountAmojoId);
      expect(instance).not.toHaveProperty('id');
      // PUBLIC_URL is set in this world: the URL is absolute, ready for the customer system.
      expect(eventsUrl).toBe(`${world.config.http.publicUrl}/channels/http/${instance.key}/events`);

      const list = await get('/admin/api/channel-instances');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toEqual([
        expect.objectContaining({ key: instance.key, hasSecret: true, accountId: DEMO.accountAmojoId }),
      ]);
      expect(list.json().items[0]).not.toHaveProperty('id');
      const one = (await get(`/admin/api/channel-instances/${instance.key}`)).json();
      expect(one).toMatchObject({ key: instance.key, accountId: DEMO.accountAmojoId });
      expect(one).not.toHaveProperty('id');
      expect(list.body).not.toContain(secret);
      const stored = await bridge.store.db
        .selectFrom('channel_instances')
        .select('secret_enc')
        .executeTakeFirstOrThrow();
      expect(stored.secret_enc).not.toContain(secret);

      const deleted = await bridge.app.inject({
        method: 'DELETE',
        url: `/admin/api/channel-instances/${instance.key}`,
        headers: adminAuth,
      });
      expect(deleted.statusCode).toBe(204);
      expect((await get('/admin/api/channel-instances')).json().items).toEqual([]);
      const again = await bridge.app.inject({
        method: 'DELETE',
        url: `/admin/api/channel-instances/${instance.key}`,
        headers: adminAuth,
      });
      expect(again.statusCode).toBe(404);
    });

    it('names the bad field', async () => {
      const url = await post('/admin/api/channel-instances', { kind: 'http', name: 'x', url: 'ftp://nope' });
      expect(url.statusCode).toBe(400);
      expect(url.json()).toMatchObject({ field: 'url' });
      expect(url.json().message).toMatch(/url: expected an http\(s\) URL/);

      const name = await post('/admin/api/channel-instances', { kind: 'http', url: 'https://a.example' });
      expect(name.json()).toMatchObject({ field: 'name' });

      const kind = await post('/admin/api/channel-instances', {
        kind: 'carrier-pigeon',
        name: 'x',
        url: 'https://a.example',
      });
      expect(kind.json()).toMatchObject({ field: 'kind' });

      const account = await post('/admin/api/channel-instances', {
        kind: 'http',
        name: 'x',
        url: 'https://a.example',
        accountId: '00000000-0000-4000-8000-000000000000',
      });
      expect(account.statusCode).toBe(404);
      expect(account.json().message).toMatch(/connect it first/);
    });
  });

  describe('conversations and messages', () => {
    let conversationIds: number[] = [];
    let messageRowId: number;

    beforeAll(async () => {
      const account = await bridge.store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
      const now = Date.now();
      conversationIds = [];
      const shop = await bridge.store.db
        .insertInto('channel_instances')
        .values({
          key: 'admin-conv-shop',
          kind: 'http',
          name: 'Shop site',
          account_id: account.id,
          settings: '{}',
          secret_enc: null,
          enabled: 1,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < 5; i++) {
        const row = await bridge.store.db
          .insertInto('conversations')
          .values({
            account_id: account.id,
            ...(i === 4 ? { channel_instance_id: shop.id } : {}),
            conversation_id: `admin-conv-${i}`,
            amojo_chat_id: `chat-${i}`,
            channel_chat_key: i === 4 ? 'shop-chat-4' : null,
            last_activity_at: now + i,
            created_at: now + i,
            updated_at: now + i,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        conversationIds.push(row.id);
      }
      await bridge.store.db
        .insertInto('participants')
        .values({
          conversation_row_id: conversationIds[4]!,
          role: 'client',
          participant_id: 'shop-customer-4',
          amojo_participant_id: null,
          name: 'Olga Petrova',
          profile: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute();
      const message = await bridge.store.db
        .insertInto('messages')
        .values({
          conversation_row_id: conversationIds[0]!,
          direction: 'out',
          msgid: 'admin-msg-1',
          type: 'text',
          payload: JSON.stringify({ text: 'hello' }),
          status: 'failed',
          sent_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      messageRowId = message.id;
      await bridge.store.db
        .insertInto('message_statuses')
        .values([
          { message_id: message.id, status: 'pending', created_at: now },
          {
            message_id: message.id,
            status: 'failed',
            error_code: 904,
            error: 'customer blocked us',
            created_at: now + 1,
          },
        ])
        .execute();
    });

    it('lists conversations newest first, page by page', async () => {
      const first = await get('/admin/api/conversations?limit=2');
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(page1.items.map((c: { conversationId: string }) => c.conversationId)).toEqual([
        'admin-conv-4',
        'admin-conv-3',
      ]);
      expect(page1.nextBefore).toEqual(expect.any(Number));
      // Who the customer is and which channel the chat came by, so an operator can tell chats apart.
      expect(page1.items[0]).toMatchObject({
        customerName: 'Olga Petrova',
        channelChatKey: 'shop-chat-4',
        channel: { key: 'admin-conv-shop', kind: 'http', name: 'Shop site' },
      });
      expect(page1.items[1]).toMatchObject({ customerName: null, channel: null });
      // The account by its amojo account id, the instance by its key; no row id.
      expect(page1.items[0]).toMatchObject({ accountId: DEMO.accountAmojoId, channelInstanceKey: 'admin-conv-shop' });
      expect(page1.items[1]).toMatchObject({ accountId: DEMO.accountAmojoId, channelInstanceKey: null });
      expect(page1.items[0]).not.toHaveProperty('id');
      expect(page1.items[0]).not.toHaveProperty('channelInstanceId');
      const page2 = (await get(`/admin/api/conversations?limit=2&before=${page1.nextBefore}`)).json();
      expect(page2.items.map((c: { conversationId: string }) => c.conversationId)).toEqual([
        'admin-conv-2',
        'admin-conv-1',
      ]);
      const page3 = (await get(`/admin/api/conversations?limit=2&before=${page2.nextBefore}`)).json();
      expect(page3.items.map((c: { conversationId: string }) => c.conversationId)).toEqual(['admin-conv-0']);
      expect(page3.nextBefore).toBeNull();
    });

    it('lists the conversations of one account by its amojo account id', async () => {
      const mine = (await get(`/admin/api/conversations?accountId=${DEMO.accountAmojoId}`)).json();
      expect(mine.items).toHaveLength(5);
      const other = await get('/admin/api/conversations?accountId=00000000-0000-4000-8000-000000000000');
      expect(other.json().items).toEqual([]);
      // An account row id is not an account id of this API.
      const rowId = await get('/admin/api/conversations?accountId=1');
      expect(rowId.statusCode).toBe(400);
      expect(rowId.json()).toMatchObject({ field: 'accountId' });
      expect(rowId.json().message).toMatch(/amojo account id/);
    });

    it('shows the messages of a conversation with their status history', async () => {
      const response = await get('/admin/api/conversations/admin-conv-0/messages');
      expect(response.statusCode).toBe(200);
      expect(response.json().items[0]).not.toHaveProperty('id');
      expect(response.json().items).toEqual([
        expect.objectContaining({
          msgid: 'admin-msg-1',
          direction: 'out',
          status: 'failed',
          payload: { text: 'hello' },
          statuses: [
            expect.objectContaining({ status: 'pending', errorCode: null }),
            expect.objectContaining({ status: 'failed', errorCode: 904, error: 'customer blocked us' }),
          ],
        }),
      ]);
      expect((await get('/admin/api/conversations/admin-conv-1/messages')).json().items).toEqual([]);
      const within = await get(`/admin/api/conversations/admin-conv-0/messages?accountId=${DEMO.accountAmojoId}`);
      expect(within.json().items).toHaveLength(1);
      const unknown = await get('/admin/api/conversations/admin-conv-404/messages');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'not_found', message: 'No conversation admin-conv-404' });
      // The row id is not a conversation id of this API.
      expect((await get(`/admin/api/conversations/${conversationIds[0]}/messages`)).statusCode).toBe(404);
      const elsewhere = '/admin/api/conversations/admin-conv-0/messages?accountId=00000000-0000-4000-8000-000000000000';
      expect((await get(elsewhere)).statusCode).toBe(404);
    });

    it("lists a conversation's jobs from its lanes, each with the msgid of its message", async () => {
      const now = Date.now();
      const job = {
        state: 'done' as const,
        attempts: 1,
        max_attempts: 5,
        run_at: now,
        created_at: now,
        updated_at: now,
      };
      const inserted = await bridge.store.db
        .insertInto('jobs')
        .values([
          {
            ...job,
            kind: 'deliver-to-amojo',
            lane: `in:${conversationIds[0]}`,
            payload: JSON.stringify({ messageRowId }),
          },
          { ...job, kind: 'report-status', lane: 'status:chat-0', payload: '{"amojoChatId":"chat-0"}' },
          { ...job, kind: 'deliver-to-amojo', lane: `in:${conversationIds[1]}`, payload: '{"messageRowId":1}' },
        ])
        .returning('id')
        .execute();
      try {
        const response = await get('/admin/api/conversations/admin-conv-0/jobs');
        expect(response.statusCode).toBe(200);
        expect(response.json().items).toEqual([
          expect.objectContaining({ id: inserted[1]!.id, kind: 'report-status', msgid: null }),
          expect.objectContaining({ id: inserted[0]!.id, kind: 'deliver-to-amojo', msgid: 'admin-msg-1' }),
        ]);
        expect((await get('/admin/api/conversations/admin-conv-404/jobs')).statusCode).toBe(404);
      } finally {
        await bridge.store.db
          .deleteFrom('jobs')
          .where(
            'id',
            'in',
            inserted.map((row) => row.id),
          )
          .execute();
      }
    });

    it('asks for the account when two accounts have a conversation with the same id', async () => {
      const now = Date.now();
      const otherAccountId = '22222222-3333-4444-8555-666666666666';
      const other = await bridge.store.db
        .insertInto('accounts')
        .values({
          scope_id: `${DEMO.channelId}_${otherAccountId}`,
          amojo_account_id: otherAccountId,
          channel_id: DEMO.channelId,
          subdomain: null,
          title: null,
          hook_api_version: null,
          state: 'disconnected',
          access_token_enc: null,
          refresh_token_enc: null,
          token_expires_at: null,
          amocrm_account_id: null,
          amocrm_base_url: null,
          oauth_error: null,
          tokens_saved_at: null,
          connected_at: null,
          disconnected_at: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await bridge.store.db
        .insertInto('conversations')
        .values({
          account_id: other.id,
          conversation_id: 'admin-conv-0',
          last_activity_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      try {
        const ambiguous = await get('/admin/api/conversations/admin-conv-0/messages');
        expect(ambiguous.statusCode).toBe(409);
        expect(ambiguous.json()).toMatchObject({ error: 'conflict', field: 'accountId' });
        const mine = await get(`/admin/api/conversations/admin-conv-0/messages?accountId=${DEMO.accountAmojoId}`);
        expect(mine.json().items).toHaveLength(1);
        const theirs = await get(`/admin/api/conversations/admin-conv-0/messages?accountId=${otherAccountId}`);
        expect(theirs.json().items).toEqual([]);
      } finally {
        await bridge.store.db.deleteFrom('conversations').where('account_id', '=', other.id).execute();
        await bridge.store.db.deleteFrom('accounts').where('id', '=', other.id).execute();
      }
    });

    it('names bad paging fields', async () => {
      const limit = await get('/admin/api/conversations?limit=0');
      expect(limit.statusCode).toBe(400);
      expect(limit.json().field).toBe('limit');
      const before = await get('/admin/api/conversations?before=abc');
      expect(before.json().field).toBe('before');
      const account = await get('/admin/api/conversations/admin-conv-0/messages?accountId=abc');
      expect(account.statusCode).toBe(400);
      expect(account.json().field).toBe('accountId');
    });
  });

  describe('jobs', () => {
    let deadId: number;
    let queuedId: number;

    beforeAll(async () => {
      const now = Date.now();
      const base = { lane: 'admin-lane', payload: '{"x":1}', attempts: 5, max_attempts: 5, run_at: now };
      deadId = (
        await bridge.store.db
          .insertInto('jobs')
          .values({
            ...base,
            kind: 'admin-probe',
            state: 'dead',
            last_error: 'amojo said 400: bad',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      queuedId = (
        await bridge.store.db
          .insertInto('jobs')
          .values({ ...base, kind: 'admin-probe', state: 'queued', attempts: 0, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });

    it('lists dead jobs by default with their last error, and other states on request', async () => {
      const dead = (await get('/admin/api/jobs')).json();
      expect(dead.items).toEqual([
        expect.objectContaining({ id: deadId, state: 'dead', lastError: 'amojo said 400: bad', payload: { x: 1 } }),
      ]);
      const queued = (await get('/admin/api/jobs?state=queued&kind=admin-probe')).json();
      expect(queued.items.map((j: { id: number }) => j.id)).toEqual([queuedId]);
      expect((await get('/admin/api/jobs?state=running')).json().items).toEqual([]);
      const bad = await get('/admin/api/jobs?state=sleeping');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().field).toBe('state');
    });

    it('retries a dead job, refusing jobs that are not dead', async () => {
      const notDead = await post(`/admin/api/jobs/${queuedId}/retry`);
      expect(notDead.statusCode).toBe(409);
      expect(notDead.json().message).toMatch(/is queued/);
      expect((await post('/admin/api/jobs/999999/retry')).statusCode).toBe(404);

      const retried = await post(`/admin/api/jobs/${deadId}/retry`);
      expect(retried.statusCode).toBe(200);
      expect(retried.json().job).toMatchObject({ id: deadId, state: 'queued', attempts: 0 });
      expect((await get('/admin/api/jobs')).json().items).toEqual([]);
      expect((await post(`/admin/api/jobs/${deadId}/retry`)).statusCode).toBe(409);
    });
  });

  describe('hook log', () => {
    it('shows accepted and rejected hooks, the rejected ones with their reason', async () => {
      const truncated = '{"account_id":"x","time":1,"message":{';
      const rejected = await bridge.app.inject({
        method: 'POST',
        url: `/hooks/amojo/${SCOPE_ID}`,
        headers: { 'content-type': 'application/json', 'x-signature': signHook(truncated, DEMO.channelSecret) },
        payload: truncated,
      });
      expect(rejected.statusCode).toBe(200);

      const all = (await get('/admin/api/hooks')).json();
      expect(all.items[0]).toMatchObject({
        scopeId: SCOPE_ID,
        outcome: 'rejected',
        signatureOk: true,
        rawBody: truncated,
      });
      expect(all.items[0].reason).toMatch(/not valid JSON/);
      const onlyRejected = (await get('/admin/api/hooks?outcome=rejected')).json();
      expect(onlyRejected.items.every((h: { outcome: string }) => h.outcome === 'rejected')).toBe(true);
      expect((await get('/admin/api/hooks?outcome=accepted')).json().items).toEqual([]);
      expect((await get('/admin/api/hooks?outcome=maybe')).json().field).toBe('outcome');
    });
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  let world: ServiceWorld;
  let bridge: Bridge;
  const lines: string[] = [];

  beforeAll(async () => {
    world = await createServiceWorld('sqlite');
    const env = { ...world.env };
    delete (env as Record<string, string | undefined>).ADMIN_TOKEN;
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    bridge = await createBridge({ config: loadConfig({ env }), log: createLogger({ level: 'warn', destination }) });
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it('is not mounted (404 even with a token) and a warning is logged at startup', async () => {
    for (const url of ['/admin/api/accounts', '/admin/api/jobs']) {
      const response = await bridge.app.inject({ method: 'GET', url, headers: adminAuth });
      expect(response.statusCode).toBe(404);
    }
    const warning = lines.map((line) => JSON.parse(line) as { event?: string; level: number; msg: string });
    expect(warning).toContainEqual(expect.objectContaining({ event: 'admin_api_disabled', level: 40 }));
  });
});
