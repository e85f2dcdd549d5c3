// Issue 9 part 3, the intake side: a hook is bound to its scope's account and deduplicated per scope, NUL bytes
// get the same 4xx on both engines, signatures of the http channel are bound to their direction, and admin query
// strings never reach the log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAccount } from '../src/store/accounts/index.js';
import { asAmojoAccountId, asScopeId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import {
  createRelayHarness,
  RELAY_ADMIN_TOKEN,
  RELAY_TEST_IDS,
  type RelayHarness,
  waitFor,
} from './support/relay-harness.js';

const OTHER_ACCOUNT_ID = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const OTHER_SCOPE_ID = `${RELAY_TEST_IDS.CHANNEL_ID}_${OTHER_ACCOUNT_ID}`;

function messageHook(
  chat: { id: string; conversationId: string | null },
  text: string,
  options: { amojoMsgId?: string; accountId?: string } = {},
) {
  return JSON.stringify({
    account_id: options.accountId ?? RELAY_TEST_IDS.ACCOUNT_ID,
    time: Math.floor(Date.now() / 1000),
    message: {
      receiver: { id: randomUUID(), phone: '', email: '' },
      sender: { id: RELAY_TEST_IDS.MANAGER_ID },
      conversation: { id: chat.id, client_id: chat.conversationId },
      timestamp: Math.floor(Date.now() / 1000),
      msec_timestamp: Date.now(),
      message: {
        id: options.amojoMsgId ?? randomUUID(),
        type: 'text',
        text,
        tag: '',
        media: '',
        thumbnail: '',
        file_name: '',
        file_size: 0,
      },
    },
  });
}

describe.each(ENGINES)('intake hardening (%s)', (engine) => {
  let h: RelayHarness;
  let chat: { id: string; conversationId: string | null };
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
    await upsertAccount(h.bridge.store.db, {
      scopeId: asScopeId(OTHER_SCOPE_ID),
      amojoAccountId: asAmojoAccountId(OTHER_ACCOUNT_ID),
      channelId: RELAY_TEST_IDS.CHANNEL_ID,
    });
    await h.sendCustomerText('hardening-chat', 'hello');
    chat = await waitFor('the chat', () => h.chatOf('hardening-chat'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses a body signed for scope A on scope B's URL, which then never suppresses A's real copy", async () => {
    const amojoMsgId = randomUUID();
    const body = messageHook(chat, 'for account A', { amojoMsgId });
    const misplaced = await h.postHook(body, { scopeId: OTHER_SCOPE_ID });
    expect(misplaced.status).toBe(403);
    expect(misplaced.body).toMatchObject({ error: 'account_mismatch' });
    const real = await h.postHook(body, { scopeId: h.scopeId });
    expect(real).toMatchObject({ status: 200, body: { outcome: 'accepted' } });
    // Dedup is per scope: the same amojo message id in another scope's own hook is its own message.
    const otherOwn = await h.postHook(messageHook(chat, 'for account B', { amojoMsgId, accountId: OTHER_ACCOUNT_ID }), {
      scopeId: OTHER_SCOPE_ID,
    });
    expect(otherOwn).toMatchObject({ status: 200, body: { outcome: 'accepted' } });
    // ...and a repeat within one scope is still a duplicate.
    expect(await h.postHook(body, { scopeId: h.scopeId })).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate' },
    });
  });

  it('refuses NUL bytes in hooks and customer events with a 400 naming them, and stores nothing', async () => {
    const before = await h.bridge.store.db
      .selectFrom('hooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // JSON.stringify writes the NUL character as the escape \u0000.
    const escapedBody = messageHook(chat, 'nul \u0000 inside');
    expect(escapedBody).toContain('\\u0000');
    const escaped = await h.postHook(escapedBody);
    expect(escaped.status).toBe(400);
    expect(escaped.body).toMatchObject({ error: 'nul_byte' });
    const raw = Buffer.from(messageHook(chat, 'raw byte X').replace('raw byte X', 'raw byte \u0000'), 'utf8');
    expect(raw.includes(0)).toBe(true);
    const rawAnswer = await h.postHook(raw);
    expect(rawAnswer.status).toBe(400);
    expect(rawAnswer.body).toMatchObject({ error: 'nul_byte' });
    const after = await h.bridge.store.db
      .selectFrom('hooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const event = await h.postCustomerEvent({
      eventId: randomUUID(),
      chatKey: 'nul-chat',
      sender: { id: 'nul-customer', name: 'Nul \u0000 Name' },
      message: { type: 'text', text: 'hi' },
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(event.status).toBe(400);
    expect(event.body).toMatchObject({ error: 'nul_byte' });
    // The bridge keeps serving.
    expect((await h.sendCustomerText('hardening-chat', 'still here')).status).toBe(200);
  });

  it("refuses the bridge's own outbound event replayed to its inbound endpoint", async () => {
    const typing = await fetch(`${h.sandbox.url}/_sandbox/api/chats/${chat.id}/typing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(typing.status).toBe(200);
    const typed = await waitFor('the typing event', () =>
      h.customer.events.find((e) => e.body.type === 'typing' && e.body.chatKey === 'hardening-chat'),
    );
    expect(typed.signatureOk).toBe(true);
    const replayed = await fetch(`${h.bridge.url}/channels/http/${h.instanceKey}/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': String(typed.headers['webhook-id']),
        'webhook-timestamp': String(typed.headers['webhook-timestamp']),
        'webhook-signature': String(typed.headers['webhook-signature']),
      },
      body: JSON.stringify(typed.body),
    });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: 'wrong_direction' });
  });

  it('refuses NUL characters in admin API input with a 400 naming the field', async () => {
    const answer = await fetch(`${h.bridge.url}/admin/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${RELAY_ADMIN_TOKEN}` },
      body: JSON.stringify({ accountId: RELAY_TEST_IDS.ACCOUNT_ID, title: 'Shop \u0000' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_input', field: 'body.title' });
  });

  it('never logs the query string of an admin route', async () => {
    const before = h.logs.length;
    const answer = await fetch(`${h.bridge.url}/admin/api/jobs?token=query-secret-123456&state=dead`);
    expect(answer.status).toBe(401);
    await waitFor('the refusal in the log', () => h.logs.slice(before).some((l) => l.event === 'admin_unauthorized'));
    expect(JSON.stringify(h.logs)).not.toContain('query-secret-123456');
  });
});
