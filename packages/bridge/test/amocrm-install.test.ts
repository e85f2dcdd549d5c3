import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel } from '../src/accounts/index.js';
import { restClientForAccount } from '../src/amocrm/index.js';
import { encryptSecret } from '../src/store/encrypt.js';
import { AMOCRM_IDS, type AmocrmHarness, createAmocrmHarness } from './support/amocrm-harness.js';
import { ENGINES } from './support/databases.js';

describe.each(ENGINES)('amoCRM OAuth install, refresh and disable (%s)', (engine) => {
  let h: AmocrmHarness;
  const keys: string[] = [];
  beforeAll(async () => {
    h = await createAmocrmHarness({ engine });
    // Two instances before anyone installed: the first account to install gets them (one-account bridge).
    for (const name of ['Website', 'Support bot']) {
      const { instance } = await addHttpChannel(h.bridge, { name, url: 'http://127.0.0.1:9/unused' });
      keys.push(instance.key);
    }
  }, 60_000);
  afterAll(async () => h?.close());

  it('installs: code exchange, amojo_id, connect, encrypted tokens, one source per instance, one default', async () => {
    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);
    const stored = await h.account();
    expect(stored).toMatchObject({
      state: 'connected',
      oauthState: 'ok',
      hasTokens: true,
      amocrmAccountId: AMOCRM_IDS.amocrmAccountId,
      subdomain: AMOCRM_IDS.subdomain,
      scopeId: `${AMOCRM_IDS.channelId}_${AMOCRM_IDS.accountAmojoId}`,
    });
    const raw = await h.bridge.store.db
      .selectFrom('accounts')
      .select(['access_token_enc', 'refresh_token_enc'])
      .executeTakeFirstOrThrow();
    expect(raw.access_token_enc).toMatch(/^v1\./);
    expect(raw.refresh_token_enc).toMatch(/^v1\./);
    const crm = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body;
    expect(crm.sources.map((s: { external_id: string }) => s.external_id).sort()).toEqual([...keys].sort());
    expect(
      crm.sources.filter((s: { default: boolean }) => s.default).map((s: { external_id: string }) => s.external_id),
    ).toEqual([keys[0]]);
    expect(crm.sources.find((s: { external_id: string }) => s.external_id === keys[1]).name).toBe('Support bot');
    const config = (await h.control('GET', '/config')).body;
    expect(JSON.stringify(config.scopes)).toContain(stored.scopeId);
  });

  it('lists the OAuth state in the admin API and the local sources with amoCRM ids', async () => {
    const listed = await h.admin('GET', '/accounts');
    expect(listed.body.items).toMatchObject([
      { oauthState: 'ok', amocrmAccountId: AMOCRM_IDS.amocrmAccountId, state: 'connected' },
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/access_token|refresh_token|def50200/);
    const sources = await h.admin('GET', `/accounts/${AMOCRM_IDS.accountAmojoId}/sources`);
    expect(sources.body.items).toHaveLength(2);
    for (const source of sources.body.items as { amocrmSourceId: number }[]) {
      expect(source.amocrmSourceId).toBeGreaterThan(0);
      // Named by amojo account id and instance key, never by row id.
      expect(source).toMatchObject({ accountId: AMOCRM_IDS.accountAmojoId, channelInstanceKey: expect.any(String) });
      expect(source).not.toHaveProperty('id');
      expect(source).not.toHaveProperty('channelInstanceId');
    }
  });

  it('re-install connects again with the same scope and creates no duplicate source', async () => {
    const before = await h.account();
    const install = await h.install();
    expect(install.body.redirectStatus).toBe(200);
    const after = await h.account();
    expect(after.scopeId).toBe(before.scopeId);
    expect(after.oauthState).toBe('ok');
    const crm = (await h.control('GET', `/crm?account=${AMOCRM_IDS.accountAmojoId}`)).body;
    expect(crm.sources).toHaveLength(2);
  });

  it('answers a broken or refused install with a page saying what failed and what to do', async () => {
    const refused = await fetch(`${h.bridgeUrl}/amocrm/oauth/callback?error=access_denied`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Installation cancelled');
    const stale = await fetch(`${h.bridgeUrl}/amocrm/oauth/callback?code=def50200stale&referer=shop.amocrm.ru`);
    expect(stale.status).toBe(400);
    const page = await stale.text();
    expect(page).toContain('The account was not connected');
    expect(page).toContain('Cannot decrypt the authorization code');
    expect(page).toContain('install the integration again');
    expect(page).not.toContain('def50200stale');
  });

  it('serialises 12 concurrent refreshes (two bridges on PostgreSQL): one refresh, every caller gets its pair', async () => {
    // Make the stored access token look nearly expired, so every client refreshes before its next call.
    const acc = await h.account();
    await h.bridge.store.db
      .updateTable('accounts')
      .set({ token_expires_at: Date.now() + 30_000 })
      .where('id', '=', acc.id)
      .execute();
    const before = await h.bridge.store.db.selectFrom('accounts').select('refresh_token_enc').executeTakeFirstOrThrow();
    const second = engine === 'postgres' ? await h.startSecondBridge() : h.bridge;
    const tokens = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const crm = await restClientForAccount(i % 2 ? second : h.bridge, acc.id);
        return crm!.accessToken();
      }),
    );
    // What the token side logged, to make a failure readable (events and ids only; tokens are never logged).
    const trail = JSON.stringify(
      h.logs.filter((l) => String(l.event ?? '').includes('token') || String(l.event ?? '').startsWith('amocrm_')),
    );
    expect(new Set(tokens).size, trail).toBe(1);
    const refreshed = h.logs.filter((l) => l.event === 'amocrm_tokens_refreshed').length;
    expect(refreshed, trail).toBe(1);
    const after = await h.account();
    expect(after.oauthState, trail).toBe('ok');
    expect(after.tokenExpiresAt, trail).toBeGreaterThan(Date.now() + 3_600_000);
    const rawAfter = await h.bridge.store.db
      .selectFrom('accounts')
      .select('refresh_token_enc')
      .executeTakeFirstOrThrow();
    expect(rawAfter.refresh_token_enc).not.toBe(before.refresh_token_enc);
    // The new pair works for REST calls from either bridge.
    const crm = await restClientForAccount(second, acc.id);
    expect((await crm!.getAccount()).amojo_id).toBe(AMOCRM_IDS.accountAmojoId);
    if (second !== h.bridge) await second.stop();
  });

  it('marks the account needs_reinstall when amoCRM refuses the refresh for good, and stops using it', async () => {
    const acc = await h.account();
    const key = h.bridge.config.encryptionKey;
    await h.bridge.store.db
      .updateTable('accounts')
      .set({
        token_expires_at: Date.now() + 30_000,
        refresh_token_enc: encryptSecret('def50200not-a-live-token', {
          key,
          context: `accounts.refresh_token_enc#${acc.id}`,
        }),
      })
      .where('id', '=', acc.id)
      .execute();
    const crm = await restClientForAccount(h.bridge, acc.id);
    await expect(crm!.accessToken()).rejects.toMatchObject({ status: 400 });
    const after = await h.account();
    expect(after.oauthState).toBe('needs_reinstall');
    expect(after.oauthError).toContain('Invalid refresh token');
    expect(after.oauthError).not.toContain('def50200');
    expect(await restClientForAccount(h.bridge, acc.id)).toBeNull();
    expect(h.logs.some((l) => l.event === 'amocrm_account_needs_reinstall')).toBe(true);
    const listed = await h.admin('GET', '/accounts');
    expect((listed.body.items as { oauthState: string }[])[0]?.oauthState).toBe('needs_reinstall');
    // The chat side keeps working: a needs_reinstall account is still connected.
    expect(after.state).toBe('connected');
    // A re-install brings working tokens back.
    await h.install();
    expect((await h.account()).oauthState).toBe('ok');
  });

  it('refuses a disabled hook with a wrong signature, and disconnects on the real one', async () => {
    const forged = await fetch(
      `${h.bridgeUrl}/amocrm/disabled?account_id=${AMOCRM_IDS.amocrmAccountId}&client_uuid=${AMOCRM_IDS.clientId}&signature=${'0'.repeat(64)}`,
    );
    expect(forged.status).toBe(401);
    expect((await h.account()).state).toBe('connected');
    const disabled = await h.control('POST', '/crm/disable', {
      account: AMOCRM_IDS.accountAmojoId,
      clientId: AMOCRM_IDS.clientId,
    });
    expect(disabled.body.hookStatus).toBe(200);
    const after = await h.account();
    expect(after).toMatchObject({ state: 'disconnected', oauthState: 'revoked', hasTokens: false });
    expect(await restClientForAccount(h.bridge, after.id)).toBeNull();
    const listed = await h.admin('GET', '/accounts');
    expect((listed.body.items as unknown[])[0]).toMatchObject({ state: 'disconnected', oauthState: 'revoked' });
  });
});
