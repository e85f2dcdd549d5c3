import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel } from '../src/accounts/index.js';
import { restClientForAccount } from '../src/amocrm/index.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';
import { type EventReceiver, postCustomerText, startEventReceiver } from './support/http-customers.js';
import { waitFor } from './support/relay-harness.js';

/**
 * The sandbox allows 7 REST requests per second per token, as amoCRM does, and the bridge shares the token (outbound
 * recovery's event feed, source sync, contact search), so a contact the test itself creates may meet a 429: wait as
 * amoCRM asks and try again.
 */
async function outsideRateLimit<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 5 || (error as { status?: number }).status !== 429) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
  }
}

describe.each(ENGINES)('amoCRM sources per instance and contact linking (%s)', (engine) => {
  let h: AmocrmHarness;
  const receivers: EventReceiver[] = [];
  const instances: { key: string; secret: string }[] = [];
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    for (const name of ['Website', 'Telegram bot']) {
      const receiver = await startEventReceiver();
      receivers.push(receiver);
      const { instance, secret } = await addHttpChannel(h.bridge, { name, url: receiver.url });
      instances.push({ key: instance.key, secret });
    }
    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    for (const receiver of receivers) await receiver.close();
  });
  const post = (index: number, chatKey: string, text: string, phone?: string) =>
    postCustomerText({
      bridgeUrl: h.bridgeUrl,
      instance: instances[index]!,
      chatKey,
      text,
      ...(phone ? { phone } : {}),
    });
  const crm = async () => (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body;

  it('tags each instance chat with its source; the lead lands under that source', async () => {
    await post(0, 'web-1', 'Hello from the website');
    await post(1, 'tg-1', 'Hello from Telegram');
    const web = await waitFor('website chat', () => h.chatOf('web-1'));
    const tg = await waitFor('telegram chat', () => h.chatOf('tg-1'));
    expect(web.sourceExternalId).toBe(instances[0]!.key);
    expect(tg.sourceExternalId).toBe(instances[1]!.key);
    const leads = (await crm()).leads as { chatId: string; sourceExternalId?: string }[];
    expect(leads.find((l) => l.chatId === web.id)?.sourceExternalId).toBe(instances[0]!.key);
    expect(leads.find((l) => l.chatId === tg.id)?.sourceExternalId).toBe(instances[1]!.key);
  });

  it('routes answers and "write first" by source to the right instance', async () => {
    const tg = (await h.chatOf('tg-1'))!;
    await h.control('POST', `/chats/${tg.id}/messages`, { text: 'Answer for Telegram' });
    await waitFor('telegram answer', () =>
      receivers[1]!.events.find((e) => JSON.stringify(e).includes('Answer for Telegram')),
    );
    expect(receivers[0]!.events.some((e) => JSON.stringify(e).includes('Answer for Telegram'))).toBe(false);

    const scopeId = (await h.account()).scopeId;
    for (const [index, phone] of [
      [1, '+79005550101'],
      [0, '+79005550202'],
    ] as const) {
      const sent = await h.control('POST', '/write-first', {
        scopeId,
        phone,
        text: `First words to ${phone}`,
        sourceExternalId: instances[index]!.key,
      });
      expect(sent.status).toBe(200);
      await waitFor(`write-first to ${phone}`, () =>
        receivers[index]!.events.find((e) => JSON.stringify(e).includes(`First words to ${phone}`)),
      );
      expect(receivers[1 - index]!.events.some((e) => JSON.stringify(e).includes(`First words to ${phone}`))).toBe(
        false,
      );
    }
  });

  it('links a new chat of a known phone to the existing contact: no new contact, no lead, link kept', async () => {
    const set = await h.admin('PUT', `/channel-instances/${instances[0]!.key}/link-contacts`, {
      linkContacts: 'phone',
    });
    expect(set.status).toBe(200);
    const rest = (await restClientForAccount(h.bridge, await h.account()))!;
    const [existing] = await outsideRateLimit(() =>
      rest.createContacts([
        {
          name: 'Olga Known',
          custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+7 (901) 234-56-78' }] }],
        },
      ]),
    );
    const before = await crm();
    await post(0, 'web-olga', 'Hi, it is Olga again', '89012345678');
    const chat = await waitFor('linked chat', () => h.chatOf('web-olga'));
    expect(chat.contactId).toBe(existing!.id);
    expect(chat.leadId).toBeNull();
    for (const text of ['second', 'third', 'fourth']) await post(0, 'web-olga', text, '89012345678');
    await waitFor('three more messages', async () =>
      (await h.chatOf('web-olga'))?.lastMessageText === 'fourth' ? true : undefined,
    );
    const after = await crm();
    expect(after.contacts).toHaveLength(before.contacts.length);
    expect(after.leads).toHaveLength(before.leads.length);
    const links = await rest.listChatLinks({ chatIds: [chat.id] });
    expect(links.map((l) => l.contact_id)).toEqual([existing!.id]);
    const row = await h.bridge.store.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('channel_chat_key', '=', 'web-olga')
      .executeTakeFirstOrThrow();
    expect(Number(row.contact_id)).toBe(existing!.id);
  });

  it('links an ambiguous phone (two contacts) to the oldest contact, and logs the ambiguity', async () => {
    const rest = (await restClientForAccount(h.bridge, await h.account()))!;
    const phone = (value: string) => [{ field_code: 'PHONE', values: [{ value }] }];
    const [older] = await outsideRateLimit(() =>
      rest.createContacts([{ name: 'Ivan (first)', custom_fields_values: phone('+7 902 111-22-33') }]),
    );
    const [newer] = await outsideRateLimit(() =>
      rest.createContacts([{ name: 'Ivan (dup)', custom_fields_values: phone('8 (902) 111 22 33') }]),
    );
    expect(newer!.id).toBeGreaterThan(older!.id);
    await post(0, 'web-ivan', 'Ivan writes', '+79021112233');
    const chat = await waitFor('ivan chat', () => h.chatOf('web-ivan'));
    expect(chat.contactId).toBe(older!.id);
    expect(h.logs.some((l) => l.event === 'amocrm_contact_ambiguous' && l.candidates === 2)).toBe(true);
  });

  it('leaves an unknown phone (and an instance with linking off) to the usual new contact and lead', async () => {
    const before = await crm();
    await post(0, 'web-new', 'New customer here', '+79990001122');
    await post(1, 'tg-olga', 'Olga on Telegram', '89012345678'); // instance 1 links nothing
    await waitFor('both chats', async () =>
      (await h.chatOf('web-new'))?.leadId && (await h.chatOf('tg-olga'))?.leadId ? true : undefined,
    );
    const after = await crm();
    expect(after.contacts).toHaveLength(before.contacts.length + 2);
  });

  it('deletes the source of a removed instance and renames with the instance', async () => {
    await h.bridge.store.db
      .updateTable('channel_instances')
      .set({ name: 'Website (new name)' })
      .where('key', '=', instances[0]!.key)
      .execute();
    await h.bridge.store.db.deleteFrom('channel_instances').where('key', '=', instances[1]!.key).execute();
    const sync = await h.admin('POST', `/accounts/${AMOCRM_IDS.accountAmojoId}/sources/sync`);
    expect(sync.body.result).toMatchObject({
      deleted: [instances[1]!.key],
      renamed: [instances[0]!.key],
      problems: [],
    });
    const sources = (await crm()).sources as { external_id: string; name: string; default: boolean }[];
    expect(sources).toEqual([
      expect.objectContaining({ external_id: instances[0]!.key, name: 'Website (new name)', default: true }),
    ]);
  });

  it('creates, renames and deletes the source with the instance through instance management (admin API)', async () => {
    const sourcesNow = async () => (await crm()).sources as { external_id: string; name: string; default: boolean }[];
    const created = await h.admin('POST', '/channel-instances', {
      kind: 'http',
      name: 'Shop #2',
      accountId: AMOCRM_IDS.accountAmojoId,
      settings: { url: receivers[0]!.url },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.problems).toEqual([]);
    const key = (created.body.instance as { key: string }).key;
    expect((await sourcesNow()).find((s) => s.external_id === key)).toMatchObject({ name: 'Shop #2', default: false });
    const renamed = await h.admin('PATCH', `/channel-instances/${key}`, { name: 'Shop number two' });
    expect(renamed.body.problems).toEqual([]);
    expect((await sourcesNow()).find((s) => s.external_id === key)?.name).toBe('Shop number two');
    const removed = await h.admin('DELETE', `/channel-instances/${key}`);
    expect(removed.status).toBe(204);
    expect((await sourcesNow()).some((s) => s.external_id === key)).toBe(false);
  });

  it("puts an instance's leads in the pipeline set on it, moves its source when the pipeline changes, refuses a bad id", async () => {
    const sourceOf = async (key: string) =>
      ((await crm()).sources as { external_id: string; pipeline_id: number }[]).find((s) => s.external_id === key);
    const bad = await h.admin('POST', '/channel-instances', {
      kind: 'http',
      name: 'Wholesale',
      settings: { url: receivers[0]!.url },
      pipelineId: -3,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'pipelineId' });
    const created = await h.admin('POST', '/channel-instances', {
      kind: 'http',
      name: 'Wholesale',
      accountId: AMOCRM_IDS.accountAmojoId,
      settings: { url: receivers[0]!.url },
      pipelineId: 4242,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.problems).toEqual([]);
    const instance = created.body.instance as { key: string; pipelineId: number };
    const key = instance.key;
    expect(instance.pipelineId).toBe(4242);
    expect((await sourceOf(key))?.pipeline_id).toBe(4242);

    await postCustomerText({
      bridgeUrl: h.bridgeUrl,
      instance: { key, secret: created.body.secret as string },
      chatKey: 'wholesale-1',
      text: 'A pallet of roses, please',
    });
    const chat = await waitFor('the wholesale chat', () => h.chatOf('wholesale-1'));
    const leads = (await crm()).leads as { chatId: string; pipelineId: number; sourceExternalId?: string }[];
    expect(leads.find((l) => l.chatId === chat.id)).toMatchObject({ pipelineId: 4242, sourceExternalId: key });

    const moved = await h.admin('PATCH', `/channel-instances/${key}`, { pipelineId: 5151 });
    expect(moved.status).toBe(200);
    expect(moved.body.problems).toEqual([]);
    expect((await sourceOf(key))?.pipeline_id).toBe(5151);
    expect((await h.admin('DELETE', `/channel-instances/${key}`)).status).toBeLessThan(300);
  });
});
