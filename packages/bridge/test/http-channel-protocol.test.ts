import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

function textEvent(chatKey: string, text: string, eventId = randomUUID()) {
  return {
    eventId,
    chatKey,
    sender: { id: `c-${chatKey}`, name: 'Customer', email: 'customer@example.com' },
    message: { type: 'text', text },
    timestamp: Math.floor(Date.now() / 1000),
  };
}

async function inboundCount(h: RelayHarness): Promise<number> {
  const rows = await h.bridge.store.db.selectFrom('messages').select('id').where('direction', '=', 'in').execute();
  return rows.length;
}

describe.each(ENGINES)('http channel protocol (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses forged, expired and unsigned events with 401 and the reason, storing nothing', async () => {
    const before = await inboundCount(h);
    const forged = await h.postCustomerEvent(textEvent('sig-chat', 'forged'), { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('bad_signature');
    expect(String(forged.body.message)).toMatch(/HMAC-SHA256/);

    const expired = await h.postCustomerEvent(textEvent('sig-chat', 'old'), {
      now: new Date(Date.now() - 10 * 60 * 1000),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('timestamp_too_old');

    const future = await h.postCustomerEvent(textEvent('sig-chat', 'early'), {
      now: new Date(Date.now() + 10 * 60 * 1000),
    });
    expect(future.body.error).toBe('timestamp_in_future');

    const unsigned = await fetch(`${h.bridge.url}/channels/http/${h.instanceKey}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(textEvent('sig-chat', 'unsigned')),
    });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: string }).error).toBe('missing_headers');

    // A signature over other bytes than those sent (a re-serialised body) is refused too.
    const event = textEvent('sig-chat', 'tampered');
    const tampered = await h.postCustomerEvent(event, {
      signOver: JSON.stringify(event),
      rawBody: JSON.stringify(event, null, 2),
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error).toBe('bad_signature');
    expect(await inboundCount(h)).toBe(before);
    expect(h.logs.some((l) => l.reason === 'bad_signature' && l.instanceId === h.instanceKey)).toBe(true);
  });

  it('answers the same id for the same eventId and relays the message once', async () => {
    const event = textEvent('dup-chat', 'only once');
    const first = await h.postCustomerEvent(event);
    const second = await h.postCustomerEvent(event);
    const third = await h.postCustomerEvent({ ...event, message: { type: 'text', text: 'changed but same event' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ duplicate: false });
    expect(second.body).toEqual({ id: first.body.id, duplicate: true });
    expect(third.body).toEqual({ id: first.body.id, duplicate: true });
    const chat = await waitFor('the chat', () => h.chatOf('dup-chat'));
    await waitFor('the message in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).some((m) => m.clientId === first.body.id),
    );
    const messages = (await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in');
    expect(messages.map((m) => m.text)).toEqual(['only once']);
  });

  it('refuses invalid events with 400 naming the field, and unknown instances and messages with 404', async () => {
    const noText = await h.postCustomerEvent({ ...textEvent('bad-chat', 'x'), message: { type: 'text' } });
    expect(noText.status).toBe(400);
    expect(noText.body.message).toBe('message.text: required for a text message');
    const picture = await h.postCustomerEvent({
      ...textEvent('bad-chat', 'x'),
      message: { type: 'picture', media: 'https://example.com/a.png' },
    });
    expect(picture.status).toBe(400);
    expect(String(picture.body.message)).toMatch(/^message\.fileName/);
    const notJson = await h.postCustomerEvent(undefined, { rawBody: '{"eventId": "e1", ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBe('invalid_json');
    const unknownType = await h.postCustomerEvent({ type: 'dance' });
    expect(unknownType.status).toBe(400);
    const nobody = await h.postCustomerEvent(textEvent('bad-chat', 'x'), { instanceKey: 'http_nobody' });
    expect(nobody.status).toBe(404);
    const unknownRead = await h.postCustomerEvent({ type: 'read', messageId: 'ab-does-not-exist' });
    expect(unknownRead.status).toBe(404);
    expect(String(unknownRead.body.message)).toMatch(/not a manager message sent by this bridge/);
  });

  it('retries manager events with backoff until the customer system answers 2xx, same id every time', async () => {
    await h.sendCustomerText('retry-chat', 'hello');
    const chat = await waitFor('the chat', () => h.chatOf('retry-chat'));
    h.customer.behaviour.failFirstAttempts = 3;
    try {
      const sent = await h.sendManagerMessage(chat.id, { text: 'please retry me' });
      const managerId = (sent.body as { messages: { id: string }[] }).messages[0]!.id;
      const accepted = await waitFor(
        'the message accepted after retries',
        () =>
          h.customer.acceptedMessages().find((e) => (e.body.message as { text: string }).text === 'please retry me'),
        30_000,
      );
      const attempts = h.customer.events.filter((e) => e.body.messageId === accepted.body.messageId);
      expect(attempts.map((e) => e.status)).toEqual([503, 503, 503, 200]);
      expect(new Set(attempts.map((e) => e.headers['webhook-id']))).toEqual(new Set([accepted.body.messageId]));
      expect(attempts.every((e) => e.signatureOk)).toBe(true);
      await waitFor('status 1 in the sandbox', async () =>
        (await h.sandboxMessages(chat.id)).some((m) => m.id === managerId && m.status === 'delivered'),
      );
      // The status job runs in its own lane and may finish before the worker records this job as done.
      const job = await waitFor('the delivery job to be recorded done', async () => {
        const row = await h.bridge.store.db
          .selectFrom('jobs')
          .select(['attempts', 'state'])
          .where('kind', '=', 'deliver-to-channel')
          .where('payload', 'like', `%${managerId}%`)
          .executeTakeFirstOrThrow();
        return row.state === 'done' ? row : undefined;
      });
      expect(job).toEqual({ attempts: 4, state: 'done' });
    } finally {
      h.customer.behaviour.failFirstAttempts = 0;
    }
  }, 60_000);
});
