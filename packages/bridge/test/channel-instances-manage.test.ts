// Instance management (channels/manage-instances.ts) on both engines: every kind created, validated, updated and
// removed the same way; secret settings encrypted at rest and never shown; lifecycle listeners told after commits.

import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ChannelSettingsError,
  channelPlugins,
  createChannelRegistry,
  defineChannelPlugin,
} from '../src/channels/index.js';
import { InstanceInputError } from '../src/channels/manage/instance-input-error.js';
import {
  createChannelInstance,
  getManagedInstance,
  type InstanceLifecycleEvent,
  listManagedInstances,
  type ManageInstancesDeps,
  removeChannelInstance,
  updateChannelInstance,
} from '../src/channels/manage-instances.js';
import { createSilentLogger } from '../src/log.js';
import { upsertAccount } from '../src/store/accounts/index.js';
import { asAmojoAccountId, asChannelInstanceKey, asScopeId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { useStoreFixture } from './support/store-fixture.js';

const CHANNEL_ID = '0b6f3a52-7c1d-4e8a-9f20-5d4c3b2a1e90';
const ACCOUNT_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const encryptionKey = new Uint8Array(32).fill(7);
const TOKEN = '123456:AAE-very-secret-bot-token';

// A kind with a secret setting and a check, as a messenger with bot tokens would have; passed in through the seam.
const checked: string[] = [];
const botPlugin = defineChannelPlugin({
  kind: 'bot',
  title: 'Test bot',
  description: 'A kind with a secret token.',
  settings: z.object({
    token: z.string().min(10),
    greeting: z.string().max(50).default('hi'),
    botName: z.string().optional(),
  }),
  secretSettings: ['token'],
  instanceSecret: 'internal',
  async check(candidate) {
    checked.push(candidate.key);
    if (candidate.settings.token.startsWith('bad'))
      throw new ChannelSettingsError('token', 'the bot refused this token');
    return { notes: ['bot @test_bot'], settings: { botName: 'test_bot' } };
  },
  connectionInfo: (instance) => ({ bot: `@${instance.settings.botName ?? '?'}` }),
  createAdapter: () => ({ messageTypes: ['text'], send: async () => ({ ok: true }) }),
});
const plugins = { ...channelPlugins, bot: botPlugin };

describe.each(ENGINES)('channel instance management (%s)', (engine) => {
  const fixture = useStoreFixture(engine);
  let events: { which: string; event: InstanceLifecycleEvent }[];
  let deps: ManageInstancesDeps;
  let accountRowId: number;

  beforeEach(async () => {
    events = [];
    checked.length = 0;
    const account = await upsertAccount(fixture.store.db, {
      channelId: CHANNEL_ID,
      amojoAccountId: asAmojoAccountId(ACCOUNT_ID),
      scopeId: asScopeId(`${CHANNEL_ID}_${ACCOUNT_ID}`),
      state: 'connected',
    });
    accountRowId = account.id;
    deps = {
      store: fixture.store,
      config: {
        channel: { id: CHANNEL_ID },
        encryptionKey,
        http: { host: '0.0.0.0', port: 8080, publicUrl: undefined },
      },
      log: createSilentLogger(),
      plugins,
      listeners: {
        onInstanceCreated: (event) => {
          events.push({ which: 'created', event });
        },
        onInstanceUpdated: (event) => {
          events.push({ which: 'updated', event });
        },
        onInstanceRemoved: (event) => {
          events.push({ which: 'removed', event });
        },
      },
    };
  });

  it('creates a webchat instance from the plugin schema and gives its script tag', async () => {
    const created = await createChannelInstance(deps, {
      kind: 'webchat',
      name: 'site',
      settings: { origins: ['https://shop.example'] },
    });
    expect(created.instance).toMatchObject({
      kind: 'webchat',
      name: 'site',
      accountId: accountRowId,
      settings: { origins: ['https://shop.example'] },
      hasSecret: true,
      enabled: true,
    });
    expect(created.instance.key).toMatch(/^webchat_[A-Za-z0-9_-]{12}$/);
    // The webchat secret is internal: the key of visitor tokens, never shown.
    expect(created.secret).toBeUndefined();
    expect(created.connectionInfo.snippet).toBe(
      `<script src="http://127.0.0.1:8080/webchat.js" data-instance="${created.instance.key}" async></script>`,
    );
    expect(events.map((e) => [e.which, e.event.instance.key])).toEqual([['created', created.instance.key]]);
  });

  it('shows the http secret once and stores it encrypted', async () => {
    const created = await createChannelInstance(deps, {
      kind: 'http',
      name: 'CRM',
      settings: { url: 'https://crm.example/hook' },
    });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.connectionInfo).toEqual({ eventsUrl: `/channels/http/${created.instance.key}/events` });
    const row = await fixture.store.db.selectFrom('channel_instances').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(created.secret);
    expect(JSON.stringify(await listManagedInstances(deps))).not.toContain(created.secret);
  });

  it('refuses bad input naming the field, and saves nothing', async () => {
    const refusal = async (input: Parameters<typeof createChannelInstance>[1]) => {
      const error = await createChannelInstance(deps, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceInputError);
      return error as InstanceInputError;
    };
    expect((await refusal({ kind: 'fax', name: 'x' })).field).toBe('kind');
    expect((await refusal({ kind: 'fax', name: 'x' })).message).toMatch(
      /expected one of "http", "webchat", "telegram", "whatsapp", "bot"/,
    );
    expect((await refusal({ kind: 'webchat', name: '  ' })).field).toBe('name');
    expect((await refusal({ kind: 'webchat', name: 'x', key: 'no spaces' })).field).toBe('key');
    const typo = await refusal({ kind: 'webchat', name: 'x', settings: { orgins: ['https://a.example'] } });
    expect(typo.field).toBe('settings.orgins');
    expect(typo.message).toMatch(/not a setting of webchat/);
    const nested = await refusal({ kind: 'webchat', name: 'x', settings: { uploads: { maxBytez: 1 } } });
    expect(nested.field).toBe('settings.uploads.maxBytez');
    const value = await refusal({ kind: 'webchat', name: 'x', settings: { uploads: { maxBytes: -5 } } });
    expect(value.field).toBe('settings.uploads.maxBytes');
    const url = await refusal({ kind: 'http', name: 'x', settings: { url: 'ftp://nope' } });
    expect(url).toMatchObject({ field: 'settings.url', message: 'settings.url: expected an http(s) URL' });
    const missing = await refusal({ kind: 'http', name: 'x', settings: {} });
    expect(missing.field).toBe('settings.url');
    // The plugin's own check refuses through ChannelSettingsError, named as a setting; the value is never echoed.
    const token = await refusal({ kind: 'bot', name: 'x', settings: { token: 'bad-token-value' } });
    expect(token).toMatchObject({ field: 'settings.token' });
    expect(token.message).not.toContain('bad-token-value');
    await expect(
      createChannelInstance(deps, { kind: 'webchat', name: 'x', accountId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toThrow(/connect it first/);
    await createChannelInstance(deps, { kind: 'webchat', name: 'x', key: 'taken' });
    const taken = await refusal({ kind: 'http', name: 'y', key: 'taken', settings: { url: 'https://a.example' } });
    expect(taken).toMatchObject({ field: 'key', status: 409 });
    expect((await listManagedInstances(deps)).map((i) => i.instance.key)).toEqual(['taken']);
  });

  it('encrypts secret settings at rest, never shows them, and gives them decrypted to the adapter only', async () => {
    const created = await createChannelInstance(deps, { kind: 'bot', name: 'Support bot', settings: { token: TOKEN } });
    expect(created.notes).toEqual(['bot @test_bot']);
    expect(created.instance.settings).toStrictEqual({ botName: 'test_bot' });
    expect(created.instance.secretSettings).toEqual(['token']);
    expect(created.connectionInfo).toEqual({ bot: '@test_bot' });
    const row = await fixture.store.db.selectFrom('channel_instances').selectAll().executeTakeFirstOrThrow();
    expect(row.settings).not.toContain(TOKEN);
    expect(JSON.parse(row.settings).token).toMatch(/^v1\./);
    const listed = JSON.stringify(await listManagedInstances(deps));
    expect(listed).not.toContain(TOKEN);
    expect(listed).not.toContain(JSON.parse(row.settings).token);
    expect(JSON.stringify(events)).not.toContain(TOKEN);

    // The runtime (what routes and adapters use) decrypts and parses, defaults filled in.
    const registry = createChannelRegistry({
      plugins,
      store: fixture.store,
      databaseUrl: fixture.database.databaseUrl,
      encryptionKey,
      log: createSilentLogger(),
      now: () => new Date(),
      fetch: (input, init) => fetch(input, init),
      publicUrl: undefined,
      bridgeUrl: 'http://127.0.0.1:8080',
    });
    const found = await registry.runtimeOf('bot')?.findInstance(asChannelInstanceKey(created.instance.key));
    expect(found?.settings).toEqual({ token: TOKEN, greeting: 'hi', botName: 'test_bot' });
    expect(found?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Another kind's runtime does not see it.
    expect(
      await registry.runtimeOf('webchat')?.findInstance(asChannelInstanceKey(created.instance.key)),
    ).toBeUndefined();
    // An envelope moved to another instance does not decrypt there.
    const other = await createChannelInstance(deps, { kind: 'bot', name: 'Other', settings: { token: `${TOKEN}-2` } });
    await fixture.store.db
      .updateTable('channel_instances')
      .set({ settings: row.settings })
      .where('key', '=', other.instance.key)
      .execute();
    expect(await registry.runtimeOf('bot')?.findInstance(asChannelInstanceKey(other.instance.key))).toBeUndefined();
    await registry.stopAll();
  });

  it('updates with a merge patch, re-checks changed settings and replaces a secret', async () => {
    const created = await createChannelInstance(deps, { kind: 'bot', name: 'bot', settings: { token: TOKEN } });
    const key = created.instance.key;
    const renamed = await updateChannelInstance(deps, key, { name: 'Support bot' });
    expect(renamed.instance.name).toBe('Support bot');
    expect(checked).toEqual([key]); // a rename is not checked with the messenger
    const changed = await updateChannelInstance(deps, key, { settings: { greeting: 'hello', token: `${TOKEN}-new` } });
    expect(changed.instance.settings).toMatchObject({ greeting: 'hello', botName: 'test_bot' });
    expect(checked).toEqual([key, key]);
    const registry = createChannelRegistry({
      plugins,
      store: fixture.store,
      databaseUrl: fixture.database.databaseUrl,
      encryptionKey,
      log: createSilentLogger(),
      now: () => new Date(),
      fetch: (input, init) => fetch(input, init),
      publicUrl: undefined,
      bridgeUrl: 'http://127.0.0.1:8080',
    });
    expect((await registry.runtimeOf('bot')?.findInstance(asChannelInstanceKey(key)))?.settings.token).toBe(
      `${TOKEN}-new`,
    );
    // null removes a key (back to the default); unknown keys and bad values are refused, nothing changes.
    const reset = await updateChannelInstance(deps, key, { settings: { greeting: null } });
    expect(reset.instance.settings).not.toHaveProperty('greeting');
    await expect(updateChannelInstance(deps, key, { settings: { colour: 'red' } })).rejects.toMatchObject({
      field: 'settings.colour',
    });
    await expect(updateChannelInstance(deps, key, { settings: { token: 'bad-new-token' } })).rejects.toMatchObject({
      field: 'settings.token',
    });
    expect((await registry.runtimeOf('bot')?.findInstance(asChannelInstanceKey(key)))?.settings.token).toBe(
      `${TOKEN}-new`,
    );
    // Detach, disable: a disabled instance is not served.
    const detached = await updateChannelInstance(deps, key, { accountId: null, enabled: false });
    expect(detached.instance).toMatchObject({ accountId: null, enabled: false });
    expect(await registry.runtimeOf('bot')?.findInstance(asChannelInstanceKey(key))).toBeUndefined();
    await expect(updateChannelInstance(deps, 'nope', { name: 'x' })).rejects.toMatchObject({ status: 404 });
    expect(events.filter((e) => e.which === 'updated').map((e) => e.event.previous?.name)).toEqual([
      'bot',
      'Support bot',
      'Support bot',
      'Support bot',
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    await registry.stopAll();
  });

  it('removes an instance, saying how many conversations lose their messenger', async () => {
    const created = await createChannelInstance(deps, { kind: 'webchat', name: 'site' });
    const now = Date.now();
    for (const chatKey of ['v_1', 'v_2']) {
      await fixture.store.db
        .insertInto('conversations')
        .values({
          account_id: accountRowId,
          channel_instance_id: created.instance.rowId,
          conversation_id: `c-${chatKey}`,
          channel_chat_key: chatKey,
          last_activity_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const removed = await removeChannelInstance(deps, created.instance.key);
    expect(removed.conversations).toBe(2);
    expect(removed.note).toMatch(/2 conversation\(s\) .* keep their history; .* error 902/);
    const conversations = await fixture.store.db.selectFrom('conversations').selectAll().execute();
    expect(conversations.map((c) => c.channel_instance_id)).toEqual([null, null]);
    await expect(getManagedInstance(deps, created.instance.key)).rejects.toMatchObject({ status: 404 });
    expect(events.map((e) => e.which)).toEqual(['created', 'removed']);

    const empty = await createChannelInstance(deps, { kind: 'webchat', name: 'empty' });
    expect(await removeChannelInstance(deps, empty.instance.key)).toMatchObject({ conversations: 0, note: '' });
  });

  it('reports a failing listener as a problem without undoing the change', async () => {
    const failing: ManageInstancesDeps = {
      ...deps,
      listeners: {
        onInstanceCreated: () => {
          throw new Error('amoCRM source not created: account has no tokens');
        },
      },
    };
    const created = await createChannelInstance(failing, { kind: 'webchat', name: 'site' });
    expect(created.problems).toEqual(['onInstanceCreated failed: amoCRM source not created: account has no tokens']);
    expect((await listManagedInstances(deps)).map((i) => i.instance.key)).toEqual([created.instance.key]);
  });
});
