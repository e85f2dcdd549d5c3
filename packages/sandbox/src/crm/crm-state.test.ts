import { describe, expect, it } from 'vitest';
import { CrmState } from './crm-state.js';
import type { CrmChangeEvent } from './types.js';

const ACCOUNT = 'acc-1';
const OTHER = 'acc-2';

function state(): { crm: CrmState; events: CrmChangeEvent[] } {
  const crm = new CrmState({
    accounts: [
      { amojoId: ACCOUNT, id: 1, subdomain: 'one', users: [{ id: 10, name: 'Admin', amojoId: 'u10' }] },
      { amojoId: OTHER, id: 2, subdomain: 'two', users: [{ id: 20, name: 'Other', amojoId: 'u20' }] },
    ],
    integrations: [
      { clientId: 'int-1', clientSecret: 's', redirectUri: 'https://example.com/cb', multipleSources: true },
    ],
  });
  const events: CrmChangeEvent[] = [];
  crm.on('change', (e) => events.push(e));
  return { crm, events };
}

const owner = { accountAmojoId: ACCOUNT, clientId: 'int-1' };

describe('CrmState.createContactAndLead', () => {
  it('creates a contact named after the client, linked to the chat, and an unsorted lead in the named source', () => {
    const { crm, events } = state();
    crm.sourceStore.create(owner, [
      { name: 'Site', external_id: 'site', pipeline_id: 55 },
      { name: 'Default', external_id: 'main', default: true, pipeline_id: 66 },
    ]);
    const ids = crm.createContactAndLead({
      accountAmojoId: ACCOUNT,
      chatId: 'chat-1',
      name: 'Ivan',
      phone: '+79990001122',
      email: 'ivan@example.com',
      sourceExternalId: 'site',
    });
    expect(crm.contactForChat('chat-1')).toEqual({
      id: ids.contactId,
      name: 'Ivan',
      phone: '+79990001122',
      email: 'ivan@example.com',
      chatIds: ['chat-1'],
    });
    expect(crm.snapshot(ACCOUNT).leads).toEqual([
      {
        id: ids.leadId,
        name: 'Lead from Ivan',
        contactId: ids.contactId,
        status: 'unsorted',
        pipelineId: 55,
        sourceExternalId: 'site',
        chatId: 'chat-1',
      },
    ]);
    expect(events.map((e) => e.what)).toEqual(expect.arrayContaining(['source', 'contact', 'link', 'lead']));
    expect(events.every((e) => e.accountAmojoId === ACCOUNT)).toBe(true);
  });

  it('falls back to the default source for an unknown or missing external_id, else to none', () => {
    const { crm } = state();
    const none = crm.createContactAndLead({
      accountAmojoId: ACCOUNT,
      chatId: 'c0',
      name: 'Nobody',
      sourceExternalId: 'x',
    });
    crm.sourceStore.create(owner, [{ name: 'Default', external_id: 'main', default: true, pipeline_id: 66 }]);
    const unknown = crm.createContactAndLead({
      accountAmojoId: ACCOUNT,
      chatId: 'c1',
      name: 'A',
      sourceExternalId: 'gone',
    });
    const missing = crm.createContactAndLead({ accountAmojoId: ACCOUNT, chatId: 'c2', name: 'B' });
    const leads = new Map(crm.snapshot(ACCOUNT).leads.map((l) => [l.id, l]));
    expect(leads.get(none.leadId)).not.toHaveProperty('sourceExternalId');
    expect(leads.get(none.leadId)?.pipelineId).toBe(1000);
    expect(leads.get(unknown.leadId)).toMatchObject({ sourceExternalId: 'main', pipelineId: 66 });
    expect(leads.get(missing.leadId)).toMatchObject({ sourceExternalId: 'main', pipelineId: 66 });
  });

  it('keeps snapshots per account and lists every account without a filter', () => {
    const { crm } = state();
    crm.createContactAndLead({ accountAmojoId: ACCOUNT, chatId: 'c1', name: 'A' });
    crm.createContactAndLead({ accountAmojoId: OTHER, chatId: 'c2', name: 'B' });
    expect(crm.snapshot(ACCOUNT).contacts.map((c) => c.name)).toEqual(['A']);
    expect(crm.snapshot(OTHER).leads.map((l) => l.chatId)).toEqual(['c2']);
    expect(crm.snapshot().contacts).toHaveLength(2);
    expect(crm.account(ACCOUNT)?.subdomain).toBe('one');
    expect(crm.account('missing')).toBeUndefined();
  });
});
