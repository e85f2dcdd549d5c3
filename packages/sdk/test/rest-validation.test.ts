import {
  AmojoInputError,
  MAX_SOURCE_EXTERNAL_ID_LENGTH,
  MAX_SOURCES_PER_REQUEST,
  type SourceCreate,
} from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, reply, startServer, type TestServer } from './rest-test-server.js';

// Every refusal happens before any request: the server must see nothing.
describe('AmocrmClient input validation', () => {
  let server: TestServer;
  let client: ReturnType<typeof clientFor>['client'];
  beforeAll(async () => {
    server = await startServer((_req, res) => reply(res, 200, { _embedded: { sources: [] } }));
    const made = clientFor(server);
    made.store.set(made.options.accountKey, {
      accessToken: 'access-token-for-validation',
      refreshToken: 'refresh-token-for-validation',
      expiresAt: Date.now() + 3_600_000,
      tokenType: 'Bearer',
    });
    client = made.client;
  });
  afterAll(() => server.close());

  const refuses = async (call: () => Promise<unknown>, path: string) => {
    const before = server.requests.length;
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoInputError);
    expect((error as AmojoInputError).path).toBe(path);
    expect((error as AmojoInputError).code).toBe('invalid_input');
    expect(server.requests.length).toBe(before);
  };
  const source = (i: number, extra: Partial<SourceCreate> = {}): SourceCreate => ({
    name: `S${i}`,
    external_id: `ext-${i}`,
    ...extra,
  });

  it('createSources: 1..50 per call', async () => {
    await refuses(() => client.createSources([]), 'sources');
    const many = Array.from({ length: MAX_SOURCES_PER_REQUEST + 1 }, (_, i) => source(i));
    await refuses(() => client.createSources(many), 'sources');
    await client.createSources(many.slice(0, MAX_SOURCES_PER_REQUEST));
    expect(server.requests.at(-1)?.json).toHaveLength(50);
  });

  it('createSources: name and external_id present', async () => {
    await refuses(() => client.createSources([{ name: '', external_id: 'a' }]), 'sources[0].name');
    await refuses(() => client.createSources([source(0), { name: 'x' } as SourceCreate]), 'sources[1].external_id');
  });

  it('createSources: external_id is printable ASCII incl. space, at most 40 chars, unique in the batch', async () => {
    await refuses(() => client.createSources([source(0, { external_id: 'кириллица' })]), 'sources[0].external_id');
    await refuses(() => client.createSources([source(0, { external_id: 'tab\there' })]), 'sources[0].external_id');
    const tooLong = 'x'.repeat(MAX_SOURCE_EXTERNAL_ID_LENGTH + 1);
    await refuses(() => client.createSources([source(0, { external_id: tooLong })]), 'sources[0].external_id');
    await refuses(
      () => client.createSources([source(0), source(1, { external_id: 'ext-0' })]),
      'sources[1].external_id',
    );
    await client.createSources([source(0, { external_id: `a b~${'x'.repeat(36)}` })]);
    expect((server.requests.at(-1)!.json as SourceCreate[])[0]!.external_id).toHaveLength(40);
  });

  it('createSources and updateSources: at most one default: true', async () => {
    await refuses(() => client.createSources([source(0, { default: true }), source(1, { default: true })]), 'sources');
    await refuses(
      () =>
        client.updateSources([
          { id: 1, default: true },
          { id: 2, default: true },
        ]),
      'sources',
    );
  });

  it('updateSources: 1..50 entries, each with an id; updateSource: valid id and fields', async () => {
    await refuses(() => client.updateSources([]), 'sources');
    await refuses(() => client.updateSources([{ name: 'x' } as never]), 'sources[0].id');
    await refuses(() => client.updateSources([{ id: 1.5 }]), 'sources[0].id');
    const many = Array.from({ length: 51 }, (_, i) => ({ id: i + 1 }));
    await refuses(() => client.updateSources(many), 'sources');
    await refuses(() => client.updateSource(0, { name: 'x' }), 'id');
    await refuses(() => client.updateSource(1, { name: ' ' }), 'patch.name');
    await refuses(() => client.updateSource(1, { external_id: 'é' }), 'patch.external_id');
  });

  it('ids, batches and paging are checked', async () => {
    await refuses(() => client.deleteSources([]), 'ids');
    await refuses(() => client.deleteSources([1, -2]), 'ids[1]');
    await refuses(() => client.deleteSource(0), 'id');
    await refuses(() => client.getSource(Number.NaN), 'id');
    await refuses(() => client.getUser(-1), 'id');
    await refuses(() => client.getContact(1.1), 'id');
    await refuses(() => client.listUsers({ limit: 251 }), 'limit');
    await refuses(() => client.listUsers({ limit: 0 }), 'limit');
    await refuses(() => client.listUsers({ page: 0 }), 'page');
    await refuses(() => client.findContacts({ query: '' }), 'query');
    await refuses(() => client.findContacts({ query: 'a', limit: 500 }), 'limit');
    await refuses(() => client.createContacts([]), 'contacts');
  });

  it('chat links need a chat id and a contact id; listing needs a filter', async () => {
    await refuses(() => client.linkChats([]), 'links');
    await refuses(() => client.linkChats([{ chatId: '', contactId: 1 }]), 'links[0].chatId');
    await refuses(() => client.linkChats([{ chatId: 'c', contactId: 0 }]), 'links[0].contactId');
    await refuses(() => client.listChatLinks({}), 'chatIds or contactIds');
    await refuses(() => client.listChatLinks({ contactIds: [0] }), 'contactIds[0]');
  });

  it('exchangeCode needs a code; the constructor needs every credential', async () => {
    await refuses(() => client.exchangeCode(''), 'code');
    expect(() => clientFor(server, { clientSecret: '' })).toThrow(AmojoInputError);
    expect(() => clientFor(server, { accountKey: '' })).toThrow(AmojoInputError);
  });
});
