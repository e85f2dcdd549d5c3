// A channel's "retry after" reaches the queue: the http channel reads the customer system's Retry-After, the
// adapter answers retryable with retryAfterMs, and the delivery job is not due again before it (the contract's
// promise for a messenger's 429, e.g. Telegram's retry_after). Asserted on the stored run_at, not on a clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

describe.each(ENGINES)('http channel Retry-After (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the next attempt of a manager message at least Retry-After away', async () => {
    await h.sendCustomerText('chat-retry-after', 'hello');
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf('chat-retry-after'));
    h.customer.behaviour.failFirstAttempts = 1;
    h.customer.behaviour.retryAfterSeconds = 600;
    const answer = await h.sendManagerMessage(chat.id, { text: 'please wait for me' });
    expect(answer.status).toBe(200);
    const refused = await waitFor('the 429 at the customer system', () =>
      h.customer.events.find((e) => e.body.chatKey === 'chat-retry-after' && e.status === 429),
    );
    expect(refused.body.type).toBe('message');
    const job = await waitFor('the delivery job requeued', async () =>
      h.bridge.store.db
        .selectFrom('jobs')
        .select(['run_at', 'updated_at', 'attempts', 'state', 'last_error'])
        .where('kind', '=', 'deliver-to-channel')
        .where('attempts', '>=', 1)
        .where('state', '=', 'queued')
        .executeTakeFirst(),
    );
    expect(job.last_error).toMatch(/customer system answered HTTP 429/);
    expect(Number(job.run_at) - Number(job.updated_at)).toBeGreaterThanOrEqual(600_000);
    // Not delivered meanwhile: the only attempt is the refused one.
    expect(
      h.customer.events.filter((e) => e.body.chatKey === 'chat-retry-after' && e.body.type === 'message'),
    ).toHaveLength(1);
  });
});
