import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, type Recorded, reply, startServer, type TestServer } from './rest-test-server.js';

// Exact wire format of every AmocrmClient method: method, path, raw query, headers (Bearer), JSON body.
describe('AmocrmClient wire format', () => {
  let server: TestServer;
  const ACCESS = 'access-token-for-wire-tests-0001';
  const setup = () => {
    const made = clientFor(server);
    made.store.set(made.options.accountKey, {
      accessToken: ACCESS,
      refreshToken: 'refresh-token-for-wire-tests-0001',
      expiresAt: Date.now() + 3_600_000,
      tokenType: 'Bearer',
    });
    return made.client;
  };
  const only = (): Recorded => {
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(req.headers.cookie).toBeUndefined();
    if (req.body) expect(req.headers['content-type']).toBe('application/json');
    else expect(req.headers['content-type']).toBeUndefined();
    return req;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('getAccount always asks for amojo_id and adds other with values comma-separated', async () => {
    const account = { id: 321, name: 'Acme', subdomain: 'acme', amojo_id: '52e591f7-c98f-4255-8495-827210138c81' };
    server.handle((_req, res) => reply(res, 200, account));
    const client = setup();
    expect(await client.getAccount({ with: ['amojo_rights', 'version'] })).toEqual(account);
    const req = only();
    expect([req.method, req.path, req.query]).toEqual([
      'GET',
      '/api/v4/account',
      `with=${encodeURIComponent('amojo_id,amojo_rights,version')}`,
    ]);
    server.requests.length = 0;
    expect(await client.getAmojoId()).toBe('52e591f7-c98f-4255-8495-827210138c81');
    expect(only().query).toBe('with=amojo_id');
  });

  it('listUsers sends with=amojo_id, page and limit and normalises the page', async () => {
    const user = { id: 7, name: 'Manager', email: 'm@example.com', amojo_id: null };
    server.handle((_req, res) =>
      reply(res, 200, { _total_items: 1, _page: 2, _page_count: 2, _links: {}, _embedded: { users: [user] } }),
    );
    const page = await setup().listUsers({ page: 2, limit: 250 });
    expect(page).toEqual({ users: [user], page: 2, pageCount: 2, totalItems: 1, _links: {} });
    const req = only();
    expect([req.method, req.path, req.query]).toEqual(['GET', '/api/v4/users', 'with=amojo_id&page=2&limit=250']);
  });

  it('listUsers on 204 gives an empty page', async () => {
    server.handle((_req, res) => reply(res, 204));
    expect(await setup().listUsers()).toEqual({ users: [], page: 1 });
    expect(only().query).toBe('with=amojo_id');
  });

  it('iterateUsers walks every page until _page_count', async () => {
    server.handle((req, res) => {
      const page = Number(new URLSearchParams(req.query).get('page'));
      const users = [{ id: page * 10, name: `U${page}`, amojo_id: null }];
      reply(res, 200, { _page: page, _page_count: 3, _embedded: { users } });
    });
    const ids: number[] = [];
    for await (const user of setup().iterateUsers({ limit: 1 })) ids.push(user.id);
    expect(ids).toEqual([10, 20, 30]);
    expect(server.requests.map((r) => r.query)).toEqual([1, 2, 3].map((p) => `with=amojo_id&page=${p}&limit=1`));
  });

  it('getUser reads one user with amojo_id', async () => {
    const user = { id: 7, name: 'Manager', amojo_id: 'aaaaaaaa-0000-4000-8000-000000000007' };
    server.handle((_req, res) => reply(res, 200, user));
    expect(await setup().getUser(7)).toEqual(user);
    const req = only();
    expect([req.method, req.path, req.query]).toEqual(['GET', '/api/v4/users/7', 'with=amojo_id']);
  });

  it('listSources filters by external_id in bracket style and maps 204 to []', async () => {
    const source = { id: 1, name: 'TG', pipeline_id: 5, external_id: 'tg main', default: true, origin_code: null };
    server.handle((_req, res) => reply(res, 200, { _total_items: 1, _embedded: { sources: [source] } }));
    const client = setup();
    expect(await client.listSources({ externalIds: ['tg main', 'wa'] })).toEqual([source]);
    let req = only();
    expect([req.method, req.path, req.query]).toEqual([
      'GET',
      '/api/v4/sources',
      'filter[external_id][]=tg%20main&filter[external_id][]=wa',
    ]);
    server.requests.length = 0;
    server.handle((_req, res) => reply(res, 204));
    expect(await client.listSources()).toEqual([]);
    req = only();
    expect([req.path, req.query]).toEqual(['/api/v4/sources', '']);
  });

  it('getSource reads one source and maps 204 to undefined', async () => {
    const source = { id: 9, name: 'WA', pipeline_id: 5, external_id: 'wa', default: false, origin_code: 'amo.ext.1' };
    server.handle((_req, res) => reply(res, 200, source));
    const client = setup();
    expect(await client.getSource(9)).toEqual(source);
    expect([only().method, only().path]).toEqual(['GET', '/api/v4/sources/9']);
    server.requests.length = 0;
    server.handle((_req, res) => reply(res, 204));
    expect(await client.getSource(9)).toBeUndefined();
  });

  it('createSources posts the array as is and returns the created sources', async () => {
    const input = [
      { name: 'Telegram', external_id: 'tg-1', pipeline_id: 5, default: true, request_id: 'a' },
      { name: 'WhatsApp', external_id: 'wa 1' },
    ];
    const created = input.map((s, i) => ({ id: 100 + i, pipeline_id: 5, default: false, origin_code: null, ...s }));
    server.handle((_req, res) => reply(res, 200, { _total_items: 2, _embedded: { sources: created } }));
    expect(await setup().createSources(input)).toEqual(created);
    const req = only();
    expect([req.method, req.path, req.query]).toEqual(['POST', '/api/v4/sources', '']);
    expect(req.json).toEqual(input);
  });

  it('updateSources patches the collection; updateSource patches one', async () => {
    const updated = { id: 100, name: 'TG 2', pipeline_id: 6, external_id: 'tg-1', default: true, origin_code: null };
    server.handle((_req, res) => reply(res, 200, { _total_items: 1, _embedded: { sources: [updated] } }));
    const client = setup();
    expect(await client.updateSources([{ id: 100, name: 'TG 2', pipeline_id: 6, default: true }])).toEqual([updated]);
    let req = only();
    expect([req.method, req.path]).toEqual(['PATCH', '/api/v4/sources']);
    expect(req.json).toEqual([{ id: 100, name: 'TG 2', pipeline_id: 6, default: true }]);
    server.requests.length = 0;
    expect(await client.updateSource(100, { name: 'TG 2' })).toEqual(updated);
    req = only();
    expect([req.method, req.path]).toEqual(['PATCH', '/api/v4/sources/100']);
    expect(req.json).toEqual({ name: 'TG 2' });
    server.requests.length = 0;
    server.handle((_req, res) => reply(res, 200, updated));
    expect(await client.updateSource(100, { default: true })).toEqual(updated);
  });

  it('deleteSources sends [{id}]; deleteSource sends no body', async () => {
    server.handle((_req, res) => reply(res, 204));
    const client = setup();
    await client.deleteSources([100, 101]);
    let req = only();
    expect([req.method, req.path]).toEqual(['DELETE', '/api/v4/sources']);
    expect(req.json).toEqual([{ id: 100 }, { id: 101 }]);
    server.requests.length = 0;
    await client.deleteSource(100);
    req = only();
    expect([req.method, req.path, req.body]).toEqual(['DELETE', '/api/v4/sources/100', '']);
  });

  it('createContacts posts the array and returns ids with request_id', async () => {
    const input = [
      { name: 'Ivan', request_id: 'r1', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+7900' }] }] },
    ];
    const answer = { _links: {}, _embedded: { contacts: [{ id: 3102959, request_id: 'r1', _links: {} }] } };
    server.handle((_req, res) => reply(res, 200, answer));
    expect(await setup().createContacts(input)).toEqual(answer._embedded.contacts);
    const req = only();
    expect([req.method, req.path]).toEqual(['POST', '/api/v4/contacts']);
    expect(req.json).toEqual(input);
  });

  it('findContacts sends query, page and limit; 204 gives []', async () => {
    const contact = { id: 5, name: 'Ivan' };
    server.handle((_req, res) => reply(res, 200, { _embedded: { contacts: [contact] } }));
    const client = setup();
    expect(await client.findContacts({ query: '+7 900 & co', limit: 10 })).toEqual([contact]);
    const req = only();
    expect([req.method, req.path, req.query]).toEqual([
      'GET',
      '/api/v4/contacts',
      'query=%2B7%20900%20%26%20co&limit=10',
    ]);
    server.requests.length = 0;
    server.handle((_req, res) => reply(res, 204));
    expect(await client.findContacts({ query: 'nobody' })).toEqual([]);
  });

  it('getContact reads one contact; 204 gives undefined', async () => {
    server.handle((_req, res) => reply(res, 200, { id: 5, name: 'Ivan' }));
    const client = setup();
    expect(await client.getContact(5)).toEqual({ id: 5, name: 'Ivan' });
    expect([only().method, only().path, only().query]).toEqual(['GET', '/api/v4/contacts/5', '']);
    server.handle((_req, res) => reply(res, 204));
    expect(await client.getContact(6)).toBeUndefined();
  });

  it('linkChats sends snake_case links; listChatLinks sends chat_id[] and contact_id[]', async () => {
    const link = { chat_id: '6cbab3d5-0000-4000-8000-000000000001', contact_id: 3102959, id: 26219, request_id: '0' };
    server.handle((_req, res) => reply(res, 200, { _total_items: 1, _embedded: { chats: [link] } }));
    const client = setup();
    expect(
      await client.linkChats([
        { chatId: link.chat_id, contactId: 3102959, requestId: '0' },
        { chatId: 'c2', contactId: 8 },
      ]),
    ).toEqual([link]);
    let req = only();
    expect([req.method, req.path]).toEqual(['POST', '/api/v4/contacts/chats']);
    expect(req.json).toEqual([
      { chat_id: link.chat_id, contact_id: 3102959, request_id: '0' },
      { chat_id: 'c2', contact_id: 8 },
    ]);
    server.requests.length = 0;
    expect(await client.listChatLinks({ chatIds: [link.chat_id, 'c2'], contactIds: [3102959] })).toEqual([link]);
    req = only();
    expect([req.method, req.path, req.query]).toEqual([
      'GET',
      '/api/v4/contacts/chats',
      `chat_id[]=${link.chat_id}&chat_id[]=c2&contact_id[]=3102959`,
    ]);
    server.requests.length = 0;
    server.handle((_req, res) => reply(res, 204));
    expect(await client.listChatLinks({ contactIds: [1] })).toEqual([]);
    expect(only().query).toBe('contact_id[]=1');
  });

  it('getSubdomain sends X-Refresh-Token and no Bearer', async () => {
    const answer = { id: 321, subdomain: 'acme', domain: 'acme.amocrm.ru', top_level_domain: 'ru' };
    server.handle((_req, res) => reply(res, 200, answer));
    expect(await setup().getSubdomain()).toEqual(answer);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect([req.method, req.path, req.query]).toEqual(['GET', '/oauth2/account/current/subdomain', '']);
    expect(req.headers['x-refresh-token']).toBe('refresh-token-for-wire-tests-0001');
    expect(req.headers.authorization).toBeUndefined();
  });
});
