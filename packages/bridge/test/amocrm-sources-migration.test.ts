// The guide's migration to multiple sources ("Внедрение множественных источников в действующие интеграции") for an
// account that was connected by hand and ran without sources, then installed the integration: old chats keep working
// (routed by their conversation), the default source labels them, new chats are tagged; plus the refresh schedule,
// the Sources API limits as clear problems, and no token in any log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel, connectAccount } from '../src/accounts/index.js';
import { scheduleTokenRefresh, syncAccountSources } from '../src/amocrm/index.js';
import { readAccountTokens } from '../src/store/accounts/index.js';
import { upsertChannelInstance } from '../src/store/channel-instances/index.js';
import { encryptSecret } from '../src/store/encrypt.js';
import { asAmojoAccountId, asChannelInstanceKey } from '../src/store/ids.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';
import { type EventReceiver, postCustomerText, startEventReceiver } from './support/http-customers.js';
import { waitFor } from './support/relay-harness.js';

describe.each(ENGINES)('migration to sources, refresh schedule and limits (%s)', (engine) => {
  let h: AmocrmHarness;
  let receiver: EventReceiver;
  let instance: { key: string; secret: string };
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    receiver = await startEventReceiver();
    // Stage 0: connected by hand (no tokens, no sources), one instance, one chat.
    await connectAccount(h.bridge, { accountId: asAmojoAccountId(AMOCRM_IDS.accountAmojoId) });
    const added = await addHttpChannel(h.bridge, { name: 'Old website', url: receiver.url });
    instance = { key: added.instance.key, secret: added.secret };
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });
  const post = (chatKey: string, text: string) => postCustomerText({ bridgeUrl: h.bridgeUrl, instance, chatKey, text });

  it('stage 0 -> 3: the old chat is untagged, the install adds the default source, hooks and new chats carry it', async () => {
    await post('old-chat', 'before sources');
    const old = await waitFor('old chat', () => h.chatOf('old-chat'));
    expect(old.sourceExternalId).toBeNull();
    expect((await h.account()).oauthState).toBe('none');

    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);
    const sources = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body.sources;
    expect(sources).toMatchObject([{ external_id: instance.key, default: true }]);

    // Stage 1: a manager answer in the untagged chat carries the default source and still reaches the instance.
    await h.control('POST', `/chats/${old.id}/messages`, { text: 'answer after install' });
    await waitFor('answer in the old chat', () => receiver.has('answer after install'));
    const hooks = (await h.control('GET', '/hooks')).body as { kind: string; body: string }[];
    const answerHook = hooks.find((hook) => hook.body.includes('answer after install'))!;
    expect(JSON.parse(answerHook.body).message.source).toEqual({ external_id: instance.key });

    // Stage 2: the old conversation is tagged now, so its next message pins the chat to the source.
    await post('old-chat', 'after sources');
    await waitFor('old chat tagged', async () => (await h.chatOf('old-chat'))?.sourceExternalId === instance.key);
    await post('new-chat', 'a new chat');
    expect((await waitFor('new chat', () => h.chatOf('new-chat'))).sourceExternalId).toBe(instance.key);
  });

  it('"write first" without a source in the hook goes to the default source instance', async () => {
    const scopeId = (await h.account()).scopeId;
    const sent = await h.control('POST', '/write-first', { scopeId, phone: '+79007770011', text: 'default route' });
    expect(sent.status).toBe(200);
    await waitFor('write-first via default', () => receiver.has('default route'));
  });

  it('the refresh schedule refreshes tokens close to expiry, and never crashes on a refused refresh', async () => {
    const acc = await h.account();
    await h.bridge.store.db
      .updateTable('accounts')
      .set({ token_expires_at: Date.now() + 60_000 })
      .where('id', '=', acc.id)
      .execute();
    const schedule = scheduleTokenRefresh(h.bridge, { intervalMs: 3_600_000 });
    try {
      expect(await schedule.runNow()).toBe(1);
      expect((await h.account()).tokenExpiresAt).toBeGreaterThan(Date.now() + 3_600_000);
      expect(await schedule.runNow()).toBe(0); // nothing due any more
      // The tokens never reach a log line.
      const tokens = (await readAccountTokens(h.bridge.store.db, {
        accountId: acc.id,
        encryptionKey: h.bridge.config.encryptionKey,
      }))!;
      const logText = JSON.stringify(h.logs);
      expect(logText).not.toContain(tokens.accessToken);
      expect(logText).not.toContain(tokens.refreshToken);
      expect(logText).not.toContain(AMOCRM_IDS.clientSecret);

      // A refused refresh: the round resolves (no throw), the account leaves the schedule as needs_reinstall.
      await h.bridge.store.db
        .updateTable('accounts')
        .set({
          token_expires_at: Date.now() + 60_000,
          refresh_token_enc: encryptSecret('def50200dead', {
            key: h.bridge.config.encryptionKey,
            context: `accounts.refresh_token_enc#${acc.id}`,
          }),
        })
        .where('id', '=', acc.id)
        .execute();
      expect(await schedule.runNow()).toBe(0);
      expect((await h.account()).oauthState).toBe('needs_reinstall');
      const attempts = h.logs.filter((l) => l.event === 'amocrm_account_needs_reinstall').length;
      expect(await schedule.runNow()).toBe(0);
      expect(h.logs.filter((l) => l.event === 'amocrm_account_needs_reinstall').length).toBe(attempts);
      await h.install();
      expect((await h.account()).oauthState).toBe('ok');
    } finally {
      await schedule.stop();
    }
  });

  it('reports the Sources API limits and bad keys as clear problems, syncing the rest', async () => {
    const acc = await h.account();
    await upsertChannelInstance(h.bridge.store.db, {
      key: asChannelInstanceKey(`x${'k'.repeat(40)}`),
      kind: 'http',
      name: 'Key too long',
      accountId: acc.id,
      settings: { url: receiver.url },
      enabled: true,
    });
    for (let i = 0; i < 100; i++) {
      await upsertChannelInstance(h.bridge.store.db, {
        key: asChannelInstanceKey(`bulk_${String(i).padStart(3, '0')}`),
        kind: 'http',
        name: `Bulk ${i}`,
        accountId: acc.id,
        settings: { url: receiver.url },
        enabled: true,
      });
    }
    const result = await syncAccountSources(h.bridge, acc);
    expect(result.problems.join('\n')).toMatch(/key must be 1\.\.40 printable ASCII/);
    expect(result.problems.join('\n')).toMatch(
      /amoCRM allows 100 active sources per integration and account; 1 channel instance\(s\) got none/,
    );
    expect(result.created).toHaveLength(99); // 1 existing + 99 new = the 100 amoCRM allows
    const remote = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body.sources;
    expect(remote).toHaveLength(100);
    expect(remote.filter((s: { default: boolean }) => s.default)).toHaveLength(1);
  });
});
