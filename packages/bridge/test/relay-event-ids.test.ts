import { afterEach, describe, expect, it } from 'vitest';
import {
  httpOutboundMessageSchema,
  httpOutboundReactionSchema,
  httpOutboundTypingSchema,
} from '../src/channels/http/http-outbound-schema.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness, waitFor } from './support/relay-harness.js';

// The customer system deduplicates on `webhook-id`: an id that repeats for another event makes it drop that event.
// Typing and reaction ids were built from hook row ids, which start over when the database is reset.
describe.each(ENGINES)('webhook-id of typing and reaction events (%s)', (engine) => {
  const harnesses: RelayHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });

  /** One typing and one reaction from a fresh bridge database; returns their webhook-ids in order. */
  async function idsFromFreshDatabase(): Promise<string[]> {
    const h = await createRelayHarness({ engine });
    harnesses.push(h);
    const sent = await h.sendCustomerText('ids-chat', 'react to me');
    const chat = await waitFor('the chat', () => h.chatOf('ids-chat'));
    const inSandbox = await waitFor('the message in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.clientId === sent.body.id),
    );
    const control = (path: string, body: unknown) =>
      fetch(`${h.sandbox.url}/_sandbox/api${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await control(`/chats/${chat.id}/typing`, {})).status).toBe(200);
    const typed = await waitFor('the typing event', () => h.customer.events.find((e) => e.body.type === 'typing'));
    expect((await control(`/messages/${inSandbox.id}/reactions`, { emoji: '👍', type: 'react' })).status).toBe(200);
    expect((await control(`/messages/${inSandbox.id}/reactions`, { emoji: '👍', type: 'unreact' })).status).toBe(200);
    const reactions = await waitFor('both reaction events', () => {
      const list = h.customer.events.filter((e) => e.body.type === 'reaction');
      return list.length >= 2 ? list : undefined;
    });
    // Every event the bridge sent has exactly the fields the README's generated tables list (strict schemas).
    expect((await h.sendManagerMessage(chat.id, { text: 'Manager here' })).status).toBe(200);
    const message = await waitFor('the manager message', () =>
      h.customer.events.find((e) => e.body.type === 'message'),
    );
    httpOutboundMessageSchema.parse(message.body);
    httpOutboundTypingSchema.parse(typed.body);
    for (const reaction of reactions) httpOutboundReactionSchema.parse(reaction.body);
    return [typed, ...reactions].map((event) => String(event.headers['webhook-id']));
  }

  it('are derived from the hook, unique per event and never repeat after a database reset; bodies match the documented schemas', async () => {
    const first = await idsFromFreshDatabase();
    const second = await idsFromFreshDatabase(); // a new database: hook row ids start at 1 again
    expect(first[0]).toMatch(/^typing-[0-9a-f]{32}$/);
    expect(first[1]).toMatch(/^reaction-[0-9a-f]{32}$/);
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
  });
});
