import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel } from '../src/accounts/index.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';

// Issue 13: with the account's OAuth tokens (the integration installed), an import matches the managers the map
// file lacks to amoCRM users by name (GET /api/v4/users?with=amojo_id), through the admin API's upload.

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));

describe.each(ENGINES)('import matching managers by name on %s', (engine) => {
  let h: AmocrmHarness;
  let instanceKey: string;
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    const { instance } = await addHttpChannel(h.bridge, { name: 'CRM import', url: 'http://127.0.0.1:9/unused' });
    instanceKey = instance.key;
    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('sends "Manager One" of a WhatsApp export as that amoCRM user without a map file', async () => {
    const text = readFileSync(`${FIXTURES}whatsapp/WhatsApp Chat with +7 912 345-67-89.txt`, 'utf8').replaceAll(
      ' - Shop: ',
      ' - manager one : ',
    );
    const form = new FormData();
    form.append('instance', instanceKey);
    form.append('self', 'manager one ');
    form.append('file', new Blob([text]), 'WhatsApp Chat with +7 912 345-67-89.txt');
    const response = await fetch(`${h.bridgeUrl}/admin/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AMOCRM_IDS.adminToken}` },
      body: form,
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    const run = await waitFor('the import to finish', async () => {
      const r = (await h.admin('GET', `/imports/${id}`)).body;
      return r.state === 'done' && !r.running ? r : undefined;
    });
    expect(run.sent).toBe(5);
    expect(run.summary).toMatch(/managers matched to amoCRM users by name: manager one/);
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
