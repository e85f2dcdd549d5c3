import {
  AmocrmClient,
  MemoryTokenStore,
  parseDisabledHook,
  parseInstallRedirect,
  verifyDisabledHook,
} from '@amojo-bridge/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, CLIENT_A, type CrmHarness, startCrm, startGetReceiver } from './rest-harness.js';

let harness: CrmHarness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await harness?.close();
  harness = undefined;
});

describe('the SDK AmocrmClient against the sandbox CRM', () => {
  it('installs, exchanges the code, reads amojo ids, manages sources, contacts and links, refreshes, is disabled', async () => {
    const disabledHook = await startGetReceiver('/disabled');
    cleanups.push(() => disabledHook.close());
    harness = await startCrm({ integrationExtras: { disabledHookUrl: disabledHook.url } });
    const h = harness;
    const client = new AmocrmClient({
      baseUrl: h.url,
      clientId: CLIENT_A,
      clientSecret: `secret-of-${CLIENT_A}`,
      redirectUri: h.receiver.url,
      tokenStore: new MemoryTokenStore(),
      accountKey: ACCOUNT,
      rateLimitPerSecond: 1000,
    });

    await h.call('POST', '/_sandbox/api/crm/install', { body: { account: ACCOUNT, clientId: CLIENT_A } });
    const redirect = parseInstallRedirect(h.receiver.requests[0]!);
    expect(redirect).toMatchObject({ referer: 'sandboxshop.amocrm.ru', platform: 1, fromWidget: true });
    await client.exchangeCode(redirect.code);

    expect(await client.getAmojoId()).toBe(ACCOUNT);
    const users = await client.listUsers();
    expect(users.users.map((u) => u.amojo_id)).toEqual(['u-amojo-501', null]);
    expect((await client.getUser(501))?.amojo_id).toBe('u-amojo-501');
    expect(await client.getUser(999)).toBeUndefined();

    expect(await client.listSources()).toEqual([]);
    const [site, bot] = await client.createSources([
      { name: 'Site', external_id: 'site', default: true },
      { name: 'Bot', external_id: 'bot' },
    ]);
    expect((await client.listSources({ externalIds: ['bot'] })).map((s) => s.id)).toEqual([bot!.id]);
    expect((await client.updateSource(bot!.id, { default: true })).default).toBe(true);
    expect((await client.getSource(site!.id))?.default).toBe(false);
    await client.updateSources([{ id: site!.id, name: 'Site 2' }]);
    await client.deleteSource(site!.id);
    expect(await client.getSource(site!.id)).toBeUndefined();
    await client.deleteSources([bot!.id]);
    expect(await client.listSources()).toEqual([]);

    const [contact] = await client.createContacts([
      { name: 'Ivan', custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79990001122' }] }] },
    ]);
    expect((await client.findContacts({ query: '79990001122' })).map((c) => c.id)).toEqual([contact!.id]);
    expect((await client.getContact(contact!.id))?.name).toBe('Ivan');
    const [link] = await client.linkChats([{ chatId: 'chat-sdk', contactId: contact!.id }]);
    expect(link).toMatchObject({ chat_id: 'chat-sdk', contact_id: contact!.id });
    expect(await client.listChatLinks({ chatIds: ['chat-sdk'] })).toHaveLength(1);

    await client.refreshTokens();
    expect(await client.getSubdomain()).toMatchObject({ id: 123456, subdomain: 'sandboxshop' });
    expect(await client.getAmojoId()).toBe(ACCOUNT);

    await h.call('POST', '/_sandbox/api/crm/disable', { body: { account: ACCOUNT, clientId: CLIENT_A } });
    const hook = parseDisabledHook(disabledHook.requests[0]!);
    expect(verifyDisabledHook({ ...hook, clientSecret: `secret-of-${CLIENT_A}` })).toBe(true);
    expect(verifyDisabledHook({ ...hook, clientSecret: 'another secret' })).toBe(false);
    await expect(client.getAccount()).rejects.toMatchObject({ status: 401 });
  });
});
