import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel, connectAccount } from '../src/accounts/index.js';
import { asAmojoAccountId } from '../src/store/ids.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';

// Issue 13: the map file may name a manager by numeric amoCRM user id; the import resolves it to the user's amojo
// id through the account's REST API (GET /api/v4/users?with=amojo_id), which needs the account's OAuth tokens.
// Without them the import refuses to start and says why. The sandbox's account has user 1, "Manager One".

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));
const EXPORT_NAME = 'WhatsApp Chat with +7 912 345-67-89.txt';

describe.each(ENGINES)('import map file with amoCRM user ids on %s', (engine) => {
  let h: AmocrmHarness;
  let instanceKey: string;
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    // Connected through amojo only (no amoCRM install yet): the bridge holds no OAuth tokens for the account.
    await connectAccount(h.bridge, { accountId: asAmojoAccountId(AMOCRM_IDS.accountAmojoId) });
    const { instance } = await addHttpChannel(h.bridge, {
      name: 'CRM import',
      url: 'http://127.0.0.1:9/unused',
      accountId: AMOCRM_IDS.accountAmojoId,
    });
    instanceKey = instance.key;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const upload = (map: unknown) => {
    const form = new FormData();
    form.append('instance', instanceKey);
    form.append('self', 'Shop');
    form.append('map', JSON.stringify(map));
    form.append('file', new Blob([readFileSync(`${FIXTURES}whatsapp/${EXPORT_NAME}`, 'utf8')]), EXPORT_NAME);
    return fetch(`${h.bridgeUrl}/admin/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AMOCRM_IDS.adminToken}` },
      body: form,
    });
  };

  it('without OAuth tokens: refuses to start, naming the entry and what it needs; nothing sent', async () => {
    const response = await upload({ Shop: 1 });
    const text = await response.text();
    expect(response.status, text).toBeGreaterThanOrEqual(400);
    expect(response.status, text).toBeLessThan(500);
    expect(text).toContain('\\"Shop\\" names amoCRM user id 1');
    expect(text).toContain('OAuth tokens');
    expect((await h.control('GET', '/chats')).body).toEqual([]);
  });

  it('with OAuth tokens: an unknown user id is refused; a known one sends as that user', async () => {
    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);

    const unknown = await upload({ Shop: { userId: 999 } });
    const unknownText = await unknown.text();
    expect(unknown.status, unknownText).toBeGreaterThanOrEqual(400);
    expect(unknownText).toContain('amoCRM user id 999 is not a user of this account');

    const response = await upload({ Shop: { userId: '1' } });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    const run = await waitFor('the import to finish', async () => {
      const r = (await h.admin('GET', `/imports/${id}`)).body;
      return r.state === 'done' && !r.running ? r : undefined;
    });
    expect(run.sent).toBe(5);
    const chats = (await h.control('GET', '/chats')).body as SandboxChatView[];
    const chat = chats.find((c) => c.client.phone === '+79123456789');
    if (!chat) throw new Error('imported chat missing');
    const messages = (await h.control('GET', `/chats/${chat.id}/messages`)).body as SandboxMessageView[];
    const outgoing = messages.filter((m) => m.direction === 'out');
    expect(outgoing).toHaveLength(2);
    for (const m of outgoing)
      expect(m.author).toMatchObject({ kind: 'manager', id: AMOCRM_IDS.managerAmojoId, name: 'Manager One' });
  });
});
