import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedDedupKey } from '../src/store/ops/insert-hook-record.js';
import { ENGINES } from './support/databases.js';
import {
  createRelayHarness,
  RELAY_ADMIN_TOKEN,
  RELAY_TEST_IDS,
  type RelayHarness,
  waitFor,
} from './support/relay-harness.js';

function messageHook(chat: { id: string; conversationId: string | null }, text: string, amojoMsgId = randomUUID()) {
  return JSON.stringify({
    account_id: RELAY_TEST_IDS.ACCOUNT_ID,
    time: Math.floor(Date.now() / 1000),
    message: {
      receiver: { id: randomUUID(), phone: '', email: '' },
      sender: { id: RELAY_TEST_IDS.MANAGER_ID },
      conversation: { id: chat.id, client_id: chat.conversationId },
      timestamp: Math.floor(Date.now() / 1000),
      msec_timestamp: Date.now(),
      message: { id: amojoMsgId, type: 'text', text, tag: '', media: '', thumbnail: '', file_name: '', file_size: 0 },
    },
  });
}

async function counter(h: RelayHarness, outcome: string): Promise<number> {
  const text = await h.bridge.metrics.render();
  const match = new RegExp(`amojo_bridge_intake_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

const logged = (h: RelayHarness, predicate: (line: Record<string, unknown>) => boolean) => h.logs.some(predicate);

describe.each(ENGINES)('hook intake refuses bad input and keeps serving (%s)', (engine) => {
  let h: RelayHarness;
  let chat: { id: string; conversationId: string | null };
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
    await h.sendCustomerText('intake-chat', 'hello');
    chat = await waitFor('the chat', () => h.chatOf('intake-chat'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 to a wrong or missing X-Signature, counts and logs it, stores nothing', async () => {
    const body = messageHook(chat, 'forged');
    const before = await counter(h, 'bad_signature');
    const wrong = await h.postHook(body, { signature: 'a'.repeat(40) });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'bad_signature' });
    expect(String(wrong.body.message)).toMatch(/X-Signature does not match/);
    const missing = await h.postHook(body, { signature: null });
    expect(missing.status).toBe(401);
    expect(String(missing.body.message)).toMatch(/X-Signature header is missing/);
    expect(await counter(h, 'bad_signature')).toBe(before + 2);
    expect(logged(h, (l) => l.outcome === 'bad_signature' && l.reason === 'X-Signature does not match the body')).toBe(
      true,
    );
    const stored = await h.bridge.store.db.selectFrom('hooks').select('id').where('raw_body', '=', body).execute();
    expect(stored).toHaveLength(0);
  });

  it('accepts a hook as amojo really sends it (a trailing newline X-Signature does not cover), refuses forgeries', async () => {
    const { signHook } = await import('@amojo-bridge/sdk');
    const body = messageHook(chat, 'real-shaped hook');
    const signature = signHook(body, RELAY_TEST_IDS.CHANNEL_SECRET);
    const real = await h.postHook(`${body}\n`, { signature });
    expect(real.status).toBe(200);
    expect(real.body.outcome).toBe('accepted');
    await waitFor('the real-shaped hook at the customer system', () =>
      h.customer.acceptedMessages().find((e) => (e.body.message as { text: string }).text === 'real-shaped hook'),
    );
    const forged = await h.postHook(`${body.replace('real-shaped', 'forged-shape')}\n`, { signature });
    expect(forged.status).toBe(401);
    const paddedBody = messageHook(chat, 'padded');
    const padded = await h.postHook(`${paddedBody} `, {
      signature: signHook(paddedBody, RELAY_TEST_IDS.CHANNEL_SECRET),
    });
    expect(padded.status).toBe(401);
  });

  it('stores truncated JSON and unknown hook kinds as rejected with the reason, answering 200', async () => {
    const truncated = messageHook(chat, 'cut short').slice(0, 60);
    const answer = await h.postHook(truncated);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'rejected' });
    expect(String(answer.body.reason)).toMatch(/not valid JSON/);

    const unknown = JSON.stringify({
      account_id: RELAY_TEST_IDS.ACCOUNT_ID,
      time: 1,
      action: { wave: { hand: 'left' } },
    });
    const unknownAnswer = await h.postHook(unknown);
    expect(unknownAnswer.status).toBe(200);
    expect(String(unknownAnswer.body.reason)).toMatch(/not a known amojo hook/);

    const missingField = JSON.stringify({
      account_id: RELAY_TEST_IDS.ACCOUNT_ID,
      time: 1,
      message: { conversation: {} },
    });
    const missingAnswer = await h.postHook(missingField);
    expect(missingAnswer.body.outcome).toBe('rejected');

    const rows = await h.bridge.store.db
      .selectFrom('hooks')
      .select(['outcome', 'reason', 'raw_body', 'job_id'])
      .where('raw_body', 'in', [truncated, unknown, missingField])
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.outcome === 'rejected' && r.reason && r.job_id === null)).toBe(true);
    expect(logged(h, (l) => l.outcome === 'rejected' && String(l.reason).includes('not valid JSON'))).toBe(true);

    // An operator sees them, with their reasons, in the admin API's hook log.
    const admin = await h.bridge.app.inject({
      method: 'GET',
      url: '/admin/api/hooks?outcome=rejected',
      headers: { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` },
    });
    expect(admin.statusCode).toBe(200);
    const listed = JSON.stringify(admin.json());
    expect(listed).toMatch(/not valid JSON/);
    expect(listed).toMatch(/not a known amojo hook/);
  });

  it('answers 413 to a huge body and 404 to an unknown scope, counted and logged', async () => {
    const beforeLarge = await counter(h, 'too_large');
    const huge = await h.postHook(Buffer.alloc(2 * 1024 * 1024, 'x'));
    expect(huge.status).toBe(413);
    expect(String(huge.body.message)).toMatch(/exceeds 1048576 bytes/);
    expect(await counter(h, 'too_large')).toBe(beforeLarge + 1);

    const beforeScope = await counter(h, 'unknown_scope');
    const stranger = await h.postHook(messageHook(chat, 'to nowhere'), {
      scopeId: `${RELAY_TEST_IDS.CHANNEL_ID}_${randomUUID()}`,
    });
    expect(stranger.status).toBe(404);
    expect(String(stranger.body.message)).toMatch(/is not connected to this bridge/);
    expect(await counter(h, 'unknown_scope')).toBe(beforeScope + 1);
    expect(logged(h, (l) => l.outcome === 'unknown_scope')).toBe(true);
    expect(logged(h, (l) => l.outcome === 'too_large')).toBe(true);
  });

  it('answers 400 nul_byte, not 500, to a scope or instance with a NUL in the URL (PostgreSQL refused the lookup)', async () => {
    // Found by bench/fuzz.mjs on PostgreSQL: a signed hook to /hooks/amojo/%00... reached the account lookup, which
    // PostgreSQL answers with "invalid byte sequence" (500); SQLite answered 404.
    const before = h.logs.length;
    const hook = await h.postHook(messageHook(chat, 'nul scope'), { scopeId: '%00abc' });
    expect(hook).toMatchObject({ status: 400, body: { error: 'nul_byte' } });
    const event = await fetch(`${h.bridgeUrl}/channels/http/x%00y/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(event.status).toBe(400);
    const query = await fetch(`${h.bridgeUrl}/webchat/demo?instance=%00`);
    expect(query.status).toBe(400);
    expect(h.logs.slice(before).filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('deduplicates a repeated hook by the amojo message id', async () => {
    const amojoMsgId = randomUUID();
    const body = messageHook(chat, 'said once', amojoMsgId);
    const first = await h.postHook(body);
    const second = await h.postHook(body);
    expect(first.body.outcome).toBe('accepted');
    expect(second.body.outcome).toBe('duplicate');
    await waitFor('the message at the customer system', () =>
      h.customer.acceptedMessages().find((e) => (e.body.message as { text: string }).text === 'said once'),
    );
    const jobs = await h.bridge.store.db
      .selectFrom('hooks')
      .select('job_id')
      .where('dedup_key', '=', scopedDedupKey(h.scopeId, amojoMsgId))
      .execute();
    expect(jobs).toHaveLength(1);
    expect(
      h.customer.acceptedMessages().filter((e) => (e.body.message as { text: string }).text === 'said once'),
    ).toHaveLength(1);
  });

  it('keeps valid traffic flowing while bad requests arrive at the same time', async () => {
    const bad = [
      h.postHook(messageHook(chat, 'forged again'), { signature: 'deadbeef' }),
      h.postHook('{"message":'),
      h.postHook(Buffer.alloc(1024 * 1024 + 1, 'y')),
      h.postHook(messageHook(chat, 'lost'), { scopeId: 'nobody_nowhere' }),
      h.postHook(JSON.stringify({ hello: 'world' })),
    ];
    const good = Array.from({ length: 10 }, (_, i) => h.postHook(messageHook(chat, `good ${i}`)));
    const customer = Array.from({ length: 10 }, (_, i) => h.sendCustomerText('intake-chat', `customer ${i}`));
    const [badAnswers, goodAnswers, customerAnswers] = await Promise.all([
      Promise.all(bad),
      Promise.all(good),
      Promise.all(customer),
    ]);
    expect(badAnswers.map((a) => a.status)).toEqual([401, 200, 413, 404, 200]);
    expect(goodAnswers.every((a) => a.status === 200 && a.body.outcome === 'accepted')).toBe(true);
    expect(customerAnswers.every((a) => a.status === 200)).toBe(true);
    await waitFor('the ten good manager messages at the customer system', () => {
      const texts = new Set(h.customer.acceptedMessages().map((e) => (e.body.message as { text: string }).text));
      return Array.from({ length: 10 }, (_, i) => `good ${i}`).every((t) => texts.has(t));
    });
    const ids = new Set(customerAnswers.map((a) => a.body.id));
    await waitFor('the ten customer messages in the sandbox', async () => {
      const inSandbox = (await h.sandboxMessages(chat.id)).filter((m) => m.clientId && ids.has(m.clientId));
      return inSandbox.length === 10;
    });
  });
});
