import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, type CrmHarness, OTHER_ACCOUNT, startCrm } from './rest-harness.js';

interface ContactJson {
  id: number;
  name: string;
  custom_fields_values: { field_code: string; values: { value: string }[] }[] | null;
}
interface LinkJson {
  chat_id: string;
  contact_id: number;
  id: number;
  request_id?: string;
}

let harness: CrmHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(): Promise<{ h: CrmHarness; token: string }> {
  harness = await startCrm();
  return { h: harness, token: (await harness.tokens()).access_token };
}

const phone = (value: string) => ({ field_code: 'PHONE', values: [{ value, enum_code: 'WORK' }] });
const email = (value: string) => ({ field_code: 'EMAIL', values: [{ value }] });

async function createContacts(
  h: CrmHarness,
  token: string,
  contacts: unknown[],
): Promise<{ id: number; request_id: string }[]> {
  const response = await h.call('POST', '/api/v4/contacts', { token, body: contacts });
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as { _embedded: { contacts: { id: number; request_id: string }[] } };
  return body._embedded.contacts;
}

describe('POST/GET /api/v4/contacts', () => {
  it('creates a batch answering {_links, _embedded:{contacts:[{id, request_id, _links}]}}', async () => {
    const { h, token } = await setup();
    const response = await h.call('POST', '/api/v4/contacts', {
      token,
      body: [
        { name: 'Ivan Petrov', custom_fields_values: [phone('+7 (999) 123-45-67')], request_id: 'ivan' },
        { first_name: 'Maria', last_name: 'Ivanova', custom_fields_values: [email('maria@example.com')] },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/hal\+json/);
    const body = (await response.json()) as {
      _links: { self: { href: string } };
      _embedded: { contacts: { id: number; request_id: string; _links: { self: { href: string } } }[] };
    };
    expect(body._links.self.href).toBe(`${h.url}/api/v4/contacts`);
    const [ivan, maria] = body._embedded.contacts;
    expect(ivan).toMatchObject({
      request_id: 'ivan',
      _links: { self: { href: `${h.url}/api/v4/contacts/${ivan!.id}` } },
    });
    expect(maria!.request_id).toBe('1');

    const fetched = (await (await h.call('GET', `/api/v4/contacts/${maria!.id}`, { token })).json()) as ContactJson;
    expect(fetched.name).toBe('Maria Ivanova');
    expect(fetched.custom_fields_values).toEqual([
      expect.objectContaining({
        field_code: 'EMAIL',
        values: [expect.objectContaining({ value: 'maria@example.com' })],
      }),
    ]);
    expect(h.crm.snapshot(ACCOUNT).contacts.map((c) => [c.name, c.phone ?? c.email])).toEqual([
      ['Ivan Petrov', '+7 (999) 123-45-67'],
      ['Maria Ivanova', 'maria@example.com'],
    ]);
  });

  it('searches with query= by name, e-mail or phone digits, 204 when nothing matches', async () => {
    const { h, token } = await setup();
    await createContacts(h, token, [
      { name: 'Ivan Petrov', custom_fields_values: [phone('+7 (999) 123-45-67')] },
      { name: 'Maria', custom_fields_values: [email('maria@example.com')] },
    ]);
    const names = async (query: string) => {
      const response = await h.call('GET', `/api/v4/contacts?query=${encodeURIComponent(query)}`, { token });
      if (response.status === 204) return [];
      return ((await response.json()) as { _embedded: { contacts: ContactJson[] } })._embedded.contacts.map(
        (c) => c.name,
      );
    };
    expect(await names('petrov')).toEqual(['Ivan Petrov']);
    expect(await names('79991234567')).toEqual(['Ivan Petrov']);
    expect(await names('+7 999 123')).toEqual(['Ivan Petrov']);
    expect(await names('MARIA@EXAMPLE')).toEqual(['Maria']);
    expect(await names('nobody')).toEqual([]);
    expect(await names('')).toEqual(['Ivan Petrov', 'Maria']);
    expect((await h.call('GET', '/api/v4/contacts?limit=251', { token })).status).toBe(422);
  });

  it('keeps accounts apart and validates items', async () => {
    const { h, token } = await setup();
    const [mine] = await createContacts(h, token, [{ name: 'Mine' }]);
    const other = (await h.tokens(OTHER_ACCOUNT)).access_token;
    expect((await h.call('GET', `/api/v4/contacts/${mine!.id}`, { token: other })).status).toBe(204);
    expect((await h.call('GET', '/api/v4/contacts', { token: other })).status).toBe(204);
    const invalid = await h.call('POST', '/api/v4/contacts', { token, body: [{ name: 42 }] });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      'validation-errors': [{ request_id: '0', errors: [{ code: 'InvalidType', path: 'name' }] }],
    });
    expect((await h.call('POST', '/api/v4/contacts', { token, body: { name: 'not an array' } })).status).toBe(400);
  });
});

describe('contacts/chats links', () => {
  it('links a chat to one contact; re-linking moves it and issues a new link id', async () => {
    const { h, token } = await setup();
    const [a, b] = await createContacts(h, token, [{ name: 'A' }, { name: 'B' }]);
    const chatId = '6cbab3d5-0000-4000-8000-00000000c4a7';
    const link = await h.call('POST', '/api/v4/contacts/chats', {
      token,
      body: [{ chat_id: chatId, contact_id: a!.id, request_id: 'r1' }],
    });
    expect(link.status).toBe(200);
    const first = (await link.json()) as { _total_items: number; _embedded: { chats: LinkJson[] } };
    expect(first).toMatchObject({
      _total_items: 1,
      _embedded: { chats: [{ chat_id: chatId, contact_id: a!.id, request_id: 'r1' }] },
    });
    const firstId = first._embedded.chats[0]!.id;

    const same = (await (
      await h.call('POST', '/api/v4/contacts/chats', { token, body: [{ chat_id: chatId, contact_id: a!.id }] })
    ).json()) as { _embedded: { chats: LinkJson[] } };
    expect(same._embedded.chats[0]).toMatchObject({ id: firstId, request_id: '0' });

    const moved = (await (
      await h.call('POST', '/api/v4/contacts/chats', { token, body: [{ chat_id: chatId, contact_id: b!.id }] })
    ).json()) as { _embedded: { chats: LinkJson[] } };
    expect(moved._embedded.chats[0]!.contact_id).toBe(b!.id);
    expect(moved._embedded.chats[0]!.id).not.toBe(firstId);

    const byChat = (await (await h.call('GET', `/api/v4/contacts/chats?chat_id[]=${chatId}`, { token })).json()) as {
      _total_items: number;
      _embedded: { chats: LinkJson[] };
    };
    expect(byChat._embedded.chats).toEqual([{ chat_id: chatId, contact_id: b!.id, id: moved._embedded.chats[0]!.id }]);
    const byOldContact = (await (
      await h.call('GET', `/api/v4/contacts/chats?contact_id[]=${a!.id}`, { token })
    ).json()) as { _total_items: number };
    expect(byOldContact._total_items).toBe(0);
    expect(h.crm.contactForChat(chatId)?.id).toBe(b!.id);
    expect(h.crm.snapshot(ACCOUNT).contacts.find((c) => c.id === a!.id)?.chatIds).toEqual([]);
  });

  it('lets a contact have many chats and lists them by contact_id', async () => {
    const { h, token } = await setup();
    const [a] = await createContacts(h, token, [{ name: 'A' }]);
    await h.call('POST', '/api/v4/contacts/chats', {
      token,
      body: [
        { chat_id: 'chat-1', contact_id: a!.id },
        { chat_id: 'chat-2', contact_id: a!.id },
      ],
    });
    const list = (await (await h.call('GET', `/api/v4/contacts/chats?contact_id[]=${a!.id}`, { token })).json()) as {
      _embedded: { chats: LinkJson[] };
    };
    expect(list._embedded.chats.map((c) => c.chat_id)).toEqual(['chat-1', 'chat-2']);
    const both = (await (
      await h.call('GET', '/api/v4/contacts/chats?chat_id[]=chat-2&chat_id[]=chat-1&chat_id[]=chat-x', { token })
    ).json()) as { _total_items: number };
    expect(both._total_items).toBe(2);
  });

  it('refuses unknown contacts (also those of another account), bad items and a list call without filters', async () => {
    const { h, token } = await setup();
    const other = (await h.tokens(OTHER_ACCOUNT)).access_token;
    const [foreign] = await createContacts(h, other, [{ name: 'Foreign' }]);
    const response = await h.call('POST', '/api/v4/contacts/chats', {
      token,
      body: [{ chat_id: 'c1', contact_id: foreign!.id }, { contact_id: 1 }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      'validation-errors': { request_id: string; errors: { path: string }[] }[];
    };
    expect(body['validation-errors'].map((e) => [e.request_id, e.errors.map((x) => x.path)])).toEqual([
      ['0', ['contact_id']],
      ['1', ['chat_id', 'contact_id']],
    ]);
    expect(h.crm.contactForChat('c1')).toBeUndefined();
    expect((await h.call('GET', '/api/v4/contacts/chats', { token })).status).toBe(400);
    expect((await h.call('GET', '/api/v4/contacts/chats?contact_id[]=abc', { token })).status).toBe(400);
  });
});

describe('PATCH /api/v4/contacts and /api/v4/contacts/{id}', () => {
  it('changes name and phone in a batch and one by one, refusing unknown ids all or nothing', async () => {
    const { h, token } = await setup();
    const [ann, bob] = await createContacts(h, token, [
      { name: 'Ann', custom_fields_values: [phone('+7 900 000-00-01')] },
      { name: 'Bob' },
    ]);
    const refused = await h.call('PATCH', '/api/v4/contacts', {
      token,
      body: [
        { id: ann!.id, name: 'Ann B.' },
        { id: 999_999, name: 'Ghost' },
      ],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('EntityNotFound');
    const unchanged = (await (await h.call('GET', `/api/v4/contacts/${ann!.id}`, { token })).json()) as ContactJson;
    expect(unchanged.name).toBe('Ann');

    const batch = await h.call('PATCH', '/api/v4/contacts', {
      token,
      body: [
        { id: ann!.id, name: 'Ann B.', custom_fields_values: [phone('+7 900 000-00-09')] },
        { id: bob!.id, name: 'Bob C.' },
      ],
    });
    expect(batch.status).toBe(200);
    const after = (await (await h.call('GET', `/api/v4/contacts/${ann!.id}`, { token })).json()) as ContactJson;
    expect(after.name).toBe('Ann B.');
    expect(after.custom_fields_values?.[0]?.values[0]?.value).toBe('+7 900 000-00-09');

    const single = await h.call('PATCH', `/api/v4/contacts/${bob!.id}`, {
      token,
      body: { custom_fields_values: [email('bob@example.com')] },
    });
    expect(single.status).toBe(200);
    expect(await single.json()).toMatchObject({ id: bob!.id, name: 'Bob C.' });
    const missing = await h.call('PATCH', '/api/v4/contacts/123', { token, body: { name: 'x' } });
    expect(missing.status).toBe(404);
    const noId = await h.call('PATCH', '/api/v4/contacts', { token, body: [{ name: 'x' }] });
    expect(JSON.stringify(await noId.json())).toContain('id (the contact id) is required');
  });
});
