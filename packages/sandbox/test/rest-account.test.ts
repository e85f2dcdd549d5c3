import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, type CrmHarness, startCrm } from './rest-harness.js';

let harness: CrmHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('GET /api/v4/account', () => {
  it('adds amojo_id only with with=amojo_id, and amojo_rights on request, as hal+json', async () => {
    harness = await startCrm();
    const { access_token: token } = await harness.tokens();
    const plain = await harness.call('GET', '/api/v4/account', { token });
    expect(plain.headers.get('content-type')).toMatch(/^application\/hal\+json/);
    const plainBody = (await plain.json()) as Record<string, unknown>;
    expect(plainBody).toMatchObject({
      id: 123456,
      subdomain: 'sandboxshop',
      name: 'Sandbox Shop',
      current_user_id: 501,
    });
    expect(plainBody).not.toHaveProperty('amojo_id');

    const rich = await harness.call('GET', '/api/v4/account?with=amojo_id,amojo_rights', { token });
    const body = (await rich.json()) as Record<string, unknown>;
    expect(body.amojo_id).toBe(ACCOUNT);
    expect(body._embedded).toEqual({ amojo_rights: { can_direct: true, can_create_groups: true } });
    expect((body._links as { self: { href: string } }).self.href).toBe(`${harness.url}/api/v4/account`);
  });
});

describe('GET /api/v4/users', () => {
  it('lists users with amojo_id (null when unlinked) and pages them', async () => {
    harness = await startCrm();
    const { access_token: token } = await harness.tokens();
    const response = await harness.call('GET', '/api/v4/users?with=amojo_id', { token });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      _total_items: number;
      _page: number;
      _page_count: number;
      _embedded: { users: { id: number; amojo_id: string | null; rights: { is_admin: boolean } }[] };
    };
    expect(body).toMatchObject({ _total_items: 2, _page: 1, _page_count: 1 });
    expect(body._embedded.users.map((u) => [u.id, u.amojo_id, u.rights.is_admin])).toEqual([
      [501, 'u-amojo-501', true],
      [502, null, false],
    ]);

    const withoutAmojo = (await (await harness.call('GET', '/api/v4/users', { token })).json()) as {
      _embedded: { users: object[] };
    };
    expect(withoutAmojo._embedded.users[0]).not.toHaveProperty('amojo_id');

    const page2 = (await (
      await harness.call('GET', '/api/v4/users?page=2&limit=1&with=amojo_id', { token })
    ).json()) as {
      _page_count: number;
      _embedded: { users: { id: number }[] };
    };
    expect(page2._page_count).toBe(2);
    expect(page2._embedded.users.map((u) => u.id)).toEqual([502]);
    expect((await harness.call('GET', '/api/v4/users?page=3&limit=1', { token })).status).toBe(204);
  });

  it('refuses a limit above 250 with 422 "Limit 250 per page"', async () => {
    harness = await startCrm();
    const { access_token: token } = await harness.tokens();
    expect((await harness.call('GET', '/api/v4/users?limit=250', { token })).status).toBe(200);
    const response = await harness.call('GET', '/api/v4/users?limit=251', { token });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 422, detail: 'Limit 250 per page' });
    expect((await harness.call('GET', '/api/v4/users?page=0', { token })).status).toBe(400);
  });

  it('answers one user by id with amojo_id, and 204 for an unknown id', async () => {
    harness = await startCrm();
    const { access_token: token } = await harness.tokens();
    const one = (await (await harness.call('GET', '/api/v4/users/501?with=amojo_id', { token })).json()) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({ id: 501, name: 'Anna Admin', email: 'anna@example.com', amojo_id: 'u-amojo-501' });
    expect((await harness.call('GET', '/api/v4/users/999', { token })).status).toBe(204);
  });

  it('answers 403 when the token belongs to a user without admin rights', async () => {
    harness = await startCrm({
      accounts: [
        {
          amojoId: ACCOUNT,
          id: 7,
          subdomain: 'plain',
          users: [{ id: 9, name: 'No Admin', amojoId: null, isAdmin: false }],
        },
      ],
    });
    const { access_token: token } = await harness.tokens();
    expect((await harness.call('GET', '/api/v4/account', { token })).status).toBe(200);
    const users = await harness.call('GET', '/api/v4/users', { token });
    expect(users.status).toBe(403);
    expect(await users.json()).toMatchObject({ title: 'Forbidden', status: 403 });
    expect((await harness.call('GET', '/api/v4/sources', { token })).status).toBe(403);
  });
});
