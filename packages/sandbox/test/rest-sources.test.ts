import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, CLIENT_A, CLIENT_B, type CrmHarness, OTHER_ACCOUNT, startCrm } from './rest-harness.js';

interface SourceJson {
  id: number;
  name: string;
  external_id: string;
  default: boolean;
  pipeline_id: number;
  origin_code: string | null;
  request_id?: string;
}
interface Collection {
  _total_items: number;
  _embedded: { sources: SourceJson[] };
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

async function create(h: CrmHarness, token: string, sources: unknown[]): Promise<SourceJson[]> {
  const response = await h.call('POST', '/api/v4/sources', { token, body: sources });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as Collection)._embedded.sources;
}

const many = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ name: `S${i}`, external_id: `${prefix}-${i}` }));

describe('sources: create, list, get', () => {
  it('creates a batch echoing request_id (given or index) and lists it as hal+json', async () => {
    const { h, token } = await setup();
    expect((await h.call('GET', '/api/v4/sources', { token })).status).toBe(204);
    const response = await h.call('POST', '/api/v4/sources', {
      token,
      body: [
        { name: 'Website', external_id: 'site-1', request_id: 'mine' },
        { name: 'Telegram bot', external_id: 'tg bot 1', pipeline_id: 4242, origin_code: 'amo.ext.1_v2' },
      ],
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/hal\+json/);
    const created = ((await response.json()) as Collection)._embedded.sources;
    expect(created).toMatchObject([
      {
        name: 'Website',
        external_id: 'site-1',
        request_id: 'mine',
        default: false,
        pipeline_id: 1000,
        origin_code: null,
      },
      {
        name: 'Telegram bot',
        external_id: 'tg bot 1',
        request_id: '1',
        pipeline_id: 4242,
        origin_code: 'amo.ext.1_v2',
      },
    ]);

    const list = (await (await h.call('GET', '/api/v4/sources', { token })).json()) as Collection;
    expect(list._total_items).toBe(2);
    expect(list._embedded.sources[0]).not.toHaveProperty('request_id');
    const one = (await (await h.call('GET', `/api/v4/sources/${created[1]!.id}`, { token })).json()) as SourceJson;
    expect(one).toMatchObject({ id: created[1]!.id, external_id: 'tg bot 1' });
    expect((await h.call('GET', '/api/v4/sources/999999', { token })).status).toBe(204);
  });

  it('filters by external_id given as a string or as an array, 204 when nothing matches', async () => {
    const { h, token } = await setup();
    await create(h, token, many(3, 'x'));
    const ids = async (query: string) =>
      ((await (await h.call('GET', `/api/v4/sources?${query}`, { token })).json()) as Collection)._embedded.sources
        .map((s) => s.external_id)
        .sort();
    expect(await ids('filter[external_id]=x-1')).toEqual(['x-1']);
    expect(await ids('filter%5Bexternal_id%5D%5B%5D=x-0&filter%5Bexternal_id%5D%5B%5D=x-2')).toEqual(['x-0', 'x-2']);
    expect(await ids('filter[external_id][0]=x-2&filter[external_id][1]=x-1')).toEqual(['x-1', 'x-2']);
    expect((await h.call('GET', '/api/v4/sources?filter[external_id]=nope', { token })).status).toBe(204);
  });
});

describe('sources: validation', () => {
  it('requires name and external_id and answers the documented validation problem, creating nothing', async () => {
    const { h, token } = await setup();
    const response = await h.call('POST', '/api/v4/sources', {
      token,
      body: [{ name: 'fine', external_id: 'ok-1' }, { external_id: 'no-name' }, { name: 'no id', request_id: 'r3' }],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual({
      'validation-errors': [
        { request_id: '1', errors: [{ code: 'FieldMissing', path: 'name', detail: 'name is required' }] },
        {
          request_id: 'r3',
          errors: [{ code: 'FieldMissing', path: 'external_id', detail: 'external_id is required' }],
        },
      ],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
    });
    expect((await h.call('GET', '/api/v4/sources', { token })).status).toBe(204); // all or nothing
  });

  it('accepts printable ASCII with spaces up to 40 characters and refuses longer or other characters', async () => {
    const { h, token } = await setup();
    await create(h, token, [{ name: 'forty', external_id: `${'a'.repeat(35)} ~!@#` }]);
    for (const externalId of ['a'.repeat(41), 'caf\u00e9', 'tab\there', '']) {
      const response = await h.call('POST', '/api/v4/sources', {
        token,
        body: [{ name: 'bad', external_id: externalId }],
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { 'validation-errors': { errors: { path: string }[] }[] };
      expect(body['validation-errors'][0]!.errors[0]!.path).toBe('external_id');
    }
  });

  it('keeps external_id unique per integration and account, within a batch too', async () => {
    const { h, token } = await setup();
    await create(h, token, [{ name: 'one', external_id: 'shared' }]);
    const duplicate = await h.call('POST', '/api/v4/sources', {
      token,
      body: [{ name: 'two', external_id: 'shared' }],
    });
    expect(duplicate.status).toBe(400);
    expect(JSON.stringify(await duplicate.json())).toContain('NotUnique');
    const inBatch = await h.call('POST', '/api/v4/sources', {
      token,
      body: [
        { name: 'a', external_id: 'twin' },
        { name: 'b', external_id: 'twin' },
      ],
    });
    expect(inBatch.status).toBe(400);

    const other = (await h.tokens(ACCOUNT, CLIENT_B)).access_token;
    await create(h, other, [{ name: 'same id, other integration', external_id: 'shared' }]);
    const otherAccount = (await h.tokens(OTHER_ACCOUNT, CLIENT_A)).access_token;
    await create(h, otherAccount, [{ name: 'same id, other account', external_id: 'shared' }]);
  });

  it('takes at most 50 sources per request', async () => {
    const { h, token } = await setup();
    const tooMany = await h.call('POST', '/api/v4/sources', { token, body: many(51, 'big') });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ detail: 'At most 50 sources per request; got 51' });
    expect(await create(h, token, many(50, 'big'))).toHaveLength(50);
    const patchTooMany = await h.call('PATCH', '/api/v4/sources', {
      token,
      body: Array.from({ length: 51 }, (_, i) => ({ id: i + 1, name: 'x' })),
    });
    expect(patchTooMany.status).toBe(400);
  });

  it('allows at most 100 active sources per integration; deleting frees a slot', async () => {
    const { h, token } = await setup();
    await create(h, token, many(50, 'p'));
    const second = await create(h, token, many(50, 'q'));
    const full = await h.call('POST', '/api/v4/sources', { token, body: [{ name: 'one more', external_id: 'r-0' }] });
    expect(full.status).toBe(400);
    expect(((await full.json()) as { detail: string }).detail).toMatch(/at most 100 active sources/);
    const other = (await h.tokens(ACCOUNT, CLIENT_B)).access_token;
    await create(h, other, [{ name: 'other integration has its own quota', external_id: 'r-0' }]);
    expect((await h.call('DELETE', `/api/v4/sources/${second[0]!.id}`, { token })).status).toBe(204);
    await create(h, token, [{ name: 'one more', external_id: 'r-0' }]);
  });

  it('rejects a body that is not an array', async () => {
    const { h, token } = await setup();
    const response = await h.call('POST', '/api/v4/sources', { token, body: { name: 'x', external_id: 'y' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: 'Request body must be a non-empty array of sources' });
  });
});

describe('sources: update, default and delete', () => {
  it('keeps one default per integration: setting default clears the previous one', async () => {
    const { h, token } = await setup();
    const [, b] = await create(h, token, [
      { name: 'A', external_id: 'a', default: true },
      { name: 'B', external_id: 'b' },
    ]);
    const other = (await h.tokens(ACCOUNT, CLIENT_B)).access_token;
    await create(h, other, [{ name: 'B default', external_id: 'z', default: true }]);
    const defaults = async () =>
      ((await (await h.call('GET', '/api/v4/sources', { token })).json()) as Collection)._embedded.sources
        .filter((s) => s.default)
        .map((s) => s.external_id);
    expect(await defaults()).toEqual(['a']);
    await create(h, token, [{ name: 'C', external_id: 'c', default: true }]);
    expect(await defaults()).toEqual(['c']);
    const patched = await h.call('PATCH', `/api/v4/sources/${b!.id}`, { token, body: { default: true } });
    expect(patched.status).toBe(200);
    expect(await defaults()).toEqual(['b']);
    // The other integration's default is untouched.
    expect(
      h.crm
        .sources(ACCOUNT)
        .filter((s) => s.default)
        .map((s) => [s.clientId, s.external_id]),
    ).toEqual(
      expect.arrayContaining([
        [CLIENT_A, 'b'],
        [CLIENT_B, 'z'],
      ]),
    );
    expect((await h.call('DELETE', `/api/v4/sources/${b!.id}`, { token })).status).toBe(204);
    expect((await h.call('GET', '/api/v4/sources', { token })).status).toBe(200);
    expect(await defaults()).toEqual([]); // deleting the default leaves none
  });

  it('updates by id in both forms but never changes external_id', async () => {
    const { h, token } = await setup();
    const [a, b] = await create(h, token, [
      { name: 'A', external_id: 'a' },
      { name: 'B', external_id: 'b' },
    ]);
    const batch = await h.call('PATCH', '/api/v4/sources', {
      token,
      body: [
        { id: a!.id, name: 'A2', external_id: 'a', request_id: 'x' },
        { id: b!.id, pipeline_id: 77 },
      ],
    });
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as Collection)._embedded.sources).toMatchObject([
      { id: a!.id, name: 'A2', external_id: 'a', request_id: 'x' },
      { id: b!.id, name: 'B', pipeline_id: 77, request_id: '1' },
    ]);
    const change = await h.call('PATCH', `/api/v4/sources/${a!.id}`, { token, body: { external_id: 'renamed' } });
    expect(change.status).toBe(400);
    expect(await change.json()).toMatchObject({
      'validation-errors': [{ request_id: '0', errors: [{ code: 'FieldNotEditable', path: 'external_id' }] }],
    });
    const changeInBatch = await h.call('PATCH', '/api/v4/sources', {
      token,
      body: [{ id: b!.id, external_id: 'renamed' }],
    });
    expect(changeInBatch.status).toBe(400);
    const stored = (await (await h.call('GET', `/api/v4/sources/${a!.id}`, { token })).json()) as SourceJson;
    expect(stored).toMatchObject({ name: 'A2', external_id: 'a' });
    expect((await h.call('PATCH', '/api/v4/sources/999999', { token, body: { name: 'x' } })).status).toBe(404);
  });

  it('deletes by array (204) and answers the documented EntityNotFound body for unknown ids', async () => {
    const { h, token } = await setup();
    const [a, b] = await create(h, token, many(2, 'd'));
    const unknown = await h.call('DELETE', '/api/v4/sources', { token, body: [{ id: a!.id }, { id: 31075178 }] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      errors: [
        {
          request_id: '1',
          errors: { code: 'EntityNotFound', path: 'id', detail: 'source with id = 31075178 not found' },
        },
      ],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Invalid request items',
    });
    expect((await h.call('GET', `/api/v4/sources/${a!.id}`, { token })).status).toBe(200); // nothing deleted
    const deleted = await h.call('DELETE', '/api/v4/sources', { token, body: [{ id: a!.id }, { id: b!.id }] });
    expect(deleted.status).toBe(204);
    expect((await h.call('GET', `/api/v4/sources/${a!.id}`, { token })).status).toBe(204);
    expect((await h.call('GET', '/api/v4/sources', { token })).status).toBe(204);
    const single = await h.call('DELETE', `/api/v4/sources/${a!.id}`, { token });
    expect(single.status).toBe(404);
    expect(single.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('lets an integration see and change only its own sources', async () => {
    const { h, token } = await setup();
    const [mine] = await create(h, token, [{ name: 'Mine', external_id: 'mine' }]);
    const other = (await h.tokens(ACCOUNT, CLIENT_B)).access_token;
    expect((await h.call('GET', '/api/v4/sources', { token: other })).status).toBe(204);
    expect((await h.call('GET', `/api/v4/sources/${mine!.id}`, { token: other })).status).toBe(204);
    expect((await h.call('GET', '/api/v4/sources?filter[external_id]=mine', { token: other })).status).toBe(204);
    const patch = await h.call('PATCH', '/api/v4/sources', { token: other, body: [{ id: mine!.id, name: 'stolen' }] });
    expect(patch.status).toBe(400);
    expect(JSON.stringify(await patch.json())).toContain('EntityNotFound');
    expect((await h.call('PATCH', `/api/v4/sources/${mine!.id}`, { token: other, body: { name: 'x' } })).status).toBe(
      404,
    );
    expect((await h.call('DELETE', '/api/v4/sources', { token: other, body: [{ id: mine!.id }] })).status).toBe(400);
    expect((await h.call('DELETE', `/api/v4/sources/${mine!.id}`, { token: other })).status).toBe(404);
    const stillMine = (await (await h.call('GET', `/api/v4/sources/${mine!.id}`, { token })).json()) as SourceJson;
    expect(stillMine.name).toBe('Mine');
    // The sandbox itself sees every integration's sources of the account.
    expect(h.crm.sources(ACCOUNT).map((s) => s.clientId)).toEqual([CLIENT_A]);
  });
});

describe('auto-created source', () => {
  it('creates one default source named by the widget code on install when "Multiple sources" is off', async () => {
    harness = await startCrm({ integrationExtras: { multipleSources: false, widgetCode: 'my_widget' } });
    const token = (await harness.tokens()).access_token;
    const list = (await (await harness.call('GET', '/api/v4/sources', { token })).json()) as Collection;
    expect(list._embedded.sources).toMatchObject([{ external_id: 'my_widget', default: true }]);
    await harness.tokens(); // installing again does not duplicate it
    expect(harness.crm.sources(ACCOUNT).filter((s) => s.clientId === CLIENT_A)).toHaveLength(1);
  });
});
