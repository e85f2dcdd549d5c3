import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness, waitFor } from './support/relay-harness.js';

// Issue 13 (guide extension 8): GET /admin/api/conversations/:conversationId/history pages amojo's history of a chat merged
// with what the bridge stored, saying which side knows each message.

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));
const auth = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };

interface HistoryPage {
  items: {
    knownTo: string;
    imported: boolean;
    amojo: {
      text: string;
      msgid: string | null;
      sender: { id: string; name: string | null; participantId: string | null } | null;
    } | null;
    bridge: { direction: string; msgid: string; status: string; statuses: { status: string }[] } | null;
  }[];
  nextOffset: number | null;
}

describe.each(ENGINES)('conversation history on %s', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, bot: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  // The admin API names a conversation by our `conversation_id`.
  const conversationIdOf = async (chatKey: string) =>
    (
      await h.bridge.store.db
        .selectFrom('conversations')
        .select('conversation_id')
        .where('channel_chat_key', '=', chatKey)
        .executeTakeFirstOrThrow()
    ).conversation_id;
  const history = async (id: string, query = '') => {
    const response = await fetch(`${h.bridgeUrl}/admin/api/conversations/${encodeURIComponent(id)}/history${query}`, {
      headers: auth,
    });
    return { status: response.status, body: (await response.json()) as HistoryPage & Record<string, unknown> };
  };

  it('merges relayed messages with their status timeline, pages by offset', async () => {
    const start = Math.floor(Date.now() / 1000) - 60;
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      const sent = await h.postCustomerEvent({
        type: 'message',
        eventId: `hist-${i}`,
        chatKey: 'hist-1',
        sender: { id: 'customer-hist-1', name: 'Customer' },
        message: { type: 'text', text },
        timestamp: start + i,
      });
      expect(sent.status).toBe(200);
    }
    const chat = await waitFor('the chat in amojo', async () => {
      const c = await h.chatOf('hist-1');
      return c && (await h.sandboxMessages(c.id)).length === 3 ? c : undefined;
    });
    expect((await h.sendManagerMessage(chat.id, { text: 'reply' })).status).toBeLessThan(300);
    await waitFor('the reply delivered to the customer system', () => h.customer.acceptedMessages().length === 1);
    const id = await conversationIdOf('hist-1');
    const page = await waitFor('the reply to be stored as delivered', async () => {
      const p = (await history(id)).body;
      return p.items.length === 4 && p.items.every((i) => i.bridge?.status !== 'pending') ? p : undefined;
    });
    expect(page.items.map((i) => [i.knownTo, i.amojo?.text, i.bridge?.direction])).toEqual([
      ['both', 'reply', 'out'],
      ['both', 'three', 'in'],
      ['both', 'two', 'in'],
      ['both', 'one', 'in'],
    ]);
    expect(page.items[0]?.bridge?.statuses.map((s) => s.status)).toContain('delivered');
    // The customer as amojo knows it: its amojo id, and our participant id (amojo's `client_id`).
    const sender = page.items[1]?.amojo?.sender;
    expect(sender).toMatchObject({ name: 'Customer', participantId: expect.any(String) });
    const client = await h.bridge.store.db
      .selectFrom('participants')
      .select('participant_id')
      .where('amojo_participant_id', '=', sender?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(sender?.participantId).toBe(client.participant_id);
    expect(page.nextOffset).toBeNull();
    const first = (await history(id, '?limit=3')).body;
    expect(first.items).toHaveLength(3);
    expect(first.nextOffset).toBe(3);
    const second = (await history(id, '?limit=3&offset=3')).body;
    expect(second.items.map((i) => i.amojo?.text)).toEqual(['one']);
    expect(second.nextOffset).toBeNull();

    // A message amojo accepted on a retry ("duplicate msgid") is sent without a recorded amojo id: it is on a later
    // page of amojo's history, never listed as "bridge only" on the first one.
    await h.bridge.store.db
      .updateTable('messages')
      .set({ amojo_msgid: null })
      .where('msgid', '=', second.items[0]!.bridge!.msgid)
      .execute();
    const again = (await history(id, '?limit=3')).body;
    expect(again.items.map((i) => i.knownTo)).toEqual(['both', 'both', 'both']);
  });

  it('shows imported messages as known to amojo only, and refuses bad input', async () => {
    const code = await runCli(
      ['import', `${FIXTURES}jsonl/export.jsonl`, '--instance', h.instanceKey, '--map', `${FIXTURES}managers.json`],
      {
        stdout: () => undefined,
        stderr: () => undefined,
        env: { ...h.env, LOG_LEVEL: 'warn' },
      },
    );
    expect(code).toBe(0);
    const page = (await history(await conversationIdOf('crm-1001'))).body;
    expect(page.items).toHaveLength(5);
    expect(page.items.every((i) => i.knownTo === 'amojo' && i.imported && i.bridge === null)).toBe(true);
    expect(page.items[0]?.amojo?.text).toBe('Среда подходит, спасибо!');
    expect((await history('no-such-conversation')).status).toBe(404);
    const bad = await history(await conversationIdOf('crm-1001'), '?limit=51');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('limit');
  });
});
